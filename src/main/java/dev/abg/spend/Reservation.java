package dev.abg.spend;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One admitted request in flight. It counts against its session (and the day) with what it has consumed so far —
 * at first the least its input can cost, then what its stream has shown — until {@link SpendService#settle} turns it
 * into a ledger row, exactly once, whatever ends the request. In hard enforcement, the service asks it to stop
 * ({@link #onCutOff}) when its session or the day reaches the cap.
 */
public final class Reservation {

  final SessionAccount account;
  final Admission admission;
  /** What this request counts for in its session's in-flight total; guarded by the account's monitor. */
  long liveMicros;
  private final AtomicBoolean settled = new AtomicBoolean();
  private Consumer<String> cutOffListener;
  private String pendingCutOff;

  Reservation(SessionAccount account, Admission admission, long initialMicros) {
    this.account = account;
    this.admission = admission;
    this.liveMicros = initialMicros;
  }

  public Admission admission() {
    return admission;
  }

  /**
   * Who stops this request when the cap is reached. Called at most once, with the block message; immediately when the
   * cap was reached before the listener was set.
   */
  public void onCutOff(Consumer<String> listener) {
    String pending;
    synchronized (this) {
      cutOffListener = listener;
      pending = pendingCutOff;
      pendingCutOff = null;
    }
    if (pending != null) {
      listener.accept(pending);
    }
  }

  void requestCutOff(String message) {
    Consumer<String> listener;
    synchronized (this) {
      if (isSettled()) {
        return;
      }
      listener = cutOffListener;
      if (listener == null) {
        pendingCutOff = message;
        return;
      }
      cutOffListener = null;
    }
    listener.accept(message);
  }

  /** True the first time only: the caller that gets true is the one that settles. */
  boolean claimSettlement() {
    return settled.compareAndSet(false, true);
  }

  public boolean isSettled() {
    return settled.get();
  }
}
