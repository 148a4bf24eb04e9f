package dev.abg.spend;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The in-memory book of one session: what it has settled since its last reset, what its requests in flight have
 * consumed so far, and its cap. Every read and change happens under the account's monitor, and every change is queued
 * to the ledger under the same monitor, so the ledger sees changes in the order they happened.
 */
final class SessionAccount {

  final String id;
  String label;
  /** The session's own cap; null: the default {@code session_budget_usd} applies. */
  Long capMicros;
  long settledMicros;
  long inFlightMicros;
  /** The requests in flight, which a hard cap cuts off when it is reached. */
  final Set<Reservation> live = new LinkedHashSet<>();
  final RunawayBreaker.State breaker = new RunawayBreaker.State();
  long requests;
  boolean closed;
  /** Team mode: the part of the session's cap this instance holds as a lease for its requests in flight here. */
  long leaseMicros;
  /** Team mode: what the other instances hold of the session's cap, as last read from the database. */
  long othersMicros;
  /** Team mode: a request for more lease is on its way. */
  boolean growing;
  /** Team mode: the last lease request got less than it asked: the cap (or the day's budget) is used up, as last read. */
  boolean exhausted;
  /** Team mode: what was left of the cap (and the day's budget) beyond all leases at the last lease request. */
  long leftMicros;
  /** Team mode: the headroom of the last lease (what was granted beyond the need), halved at each grant that gave less. */
  long headroomMicros;
  /** Team mode: requests waiting for the database's answer at admission, and what they will reserve. */
  int admitting;
  long admittingMicros;
  /** Team mode: the last lease request was short because of the daily budget. */
  boolean dayLimited;
  /** Team mode: the day's spend and leases across instances, as the last lease request read them. */
  long dayCommittedMicros;
  Instant firstSeen;
  Instant lastSeen;
  /** Team mode: admin changes of this session made here and not yet committed, and when the last one began or ended. */
  int pendingChanges;
  long changedAt;

  SessionAccount(String id, Instant firstSeen) {
    this.id = id;
    this.firstSeen = firstSeen;
    this.lastSeen = firstSeen;
  }

  /**
   * Team mode: whether this instance changed the session (cap, label, closed, reset) after a read of the database that
   * began at {@code readAt} of the change clock, or is changing it now: that read may predate the change, and must not
   * undo it here.
   */
  boolean changedSince(long readAt) {
    return pendingChanges > 0 || changedAt > readAt;
  }

  long capOr(long defaultCapMicros) {
    return capMicros != null ? capMicros : defaultCapMicros;
  }

  /** Settled plus in flight (here, and in team mode on the other instances): what counts against the cap right now. */
  long committedMicros() {
    return settledMicros + inFlightMicros + othersMicros;
  }
}
