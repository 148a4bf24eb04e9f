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
  /** Team mode: what the other instances hold of the session's cap, as last read from the database. */
  long othersMicros;
  /** Team mode: this instance's lease on the session ({@link TeamSharing}); null on one instance. */
  Lease lease;
  Instant firstSeen;
  Instant lastSeen;
  /** Team mode: admin changes of this session made here and not yet committed, and when the last one began or ended. */
  int pendingChanges;
  long changedAt;
  /** The writer's sequence number of this session's last write: it may leave memory once that write is in the store. */
  long lastWriteSeq;

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

  /** What this instance holds as a lease on the session (0 on one instance). */
  long leaseMicros() {
    return lease == null ? 0 : lease.micros;
  }
}
