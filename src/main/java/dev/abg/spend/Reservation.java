package dev.abg.spend;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted request in flight. It counts against its session (and the day) with what it has consumed so far, until
 * {@link SpendService#settle} turns it into a ledger row — exactly once, whatever ends the request.
 */
public final class Reservation {

  final SessionAccount account;
  final Admission admission;
  /** What this request counts for in its session's in-flight total; guarded by the account's monitor. */
  long liveMicros;
  private final AtomicBoolean settled = new AtomicBoolean();

  Reservation(SessionAccount account, Admission admission) {
    this.account = account;
    this.admission = admission;
  }

  public Admission admission() {
    return admission;
  }

  /** True the first time only: the caller that gets true is the one that settles. */
  boolean claimSettlement() {
    return settled.compareAndSet(false, true);
  }

  public boolean isSettled() {
    return settled.get();
  }
}
