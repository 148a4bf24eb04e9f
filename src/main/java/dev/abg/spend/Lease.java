package dev.abg.spend;

/**
 * Team mode: the part of one session's cap that this instance holds for its requests in flight here, and what the last
 * lease request learnt from the shared database. Guarded by its {@link SessionAccount}'s monitor. docs/team-mode.md.
 */
final class Lease {

  /** What this instance holds of the session's cap. */
  long micros;
  /** A request for more lease is on its way. */
  boolean growing;
  /** The last lease request got less than it asked: the cap (or the day's budget) is used up, as last read. */
  boolean exhausted;
  /** What was left of the cap (and the day's budget) beyond all leases at the last lease request. */
  long leftMicros;
  /** The headroom of the last lease (what was granted beyond the need), halved at each grant that gave less. */
  long headroomMicros;
  /** Requests waiting for the database's answer at admission, and what they will reserve. */
  int admitting;
  long admittingMicros;
  /** The last lease request was short because of the daily budget. */
  boolean dayLimited;
  /** The day's spend and leases across instances, as the last lease request read them. */
  long dayCommittedMicros;
  /**
   * The last return of this lease to the database, until it has committed: a lease request made meanwhile waits for it,
   * or the database would still count the returned lease as held and refuse what is free.
   */
  java.util.concurrent.CompletableFuture<Long> returning;

  /** Whether the last lease request told anything about what is left (else the books alone say). */
  boolean informed() {
    return leftMicros > 0 || micros > 0 || exhausted;
  }
}
