package dev.abg.spend;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import dev.abg.spend.ledger.TeamLeases;

/**
 * How this instance shares its sessions' caps with others — the seam between the books ({@link SpendService}) and where
 * the budget lives. On one instance ({@link LocalSharing}) the books are the whole truth and the cap is the boundary; in
 * team mode ({@link TeamSharing}) the shared PostgreSQL ledger is, and what this instance's requests of a session may
 * consume is bounded by the lease it holds there. The methods marked "under the account's lock" are called holding the
 * {@link SessionAccount}'s monitor.
 */
sealed interface Sharing extends AutoCloseable permits LocalSharing, TeamSharing {

  /** This instance's id in the team (null on one instance): the ledger writer names it on the leases it settles. */
  String instanceId();

  /** Starts what runs in the background (team mode's heartbeat). */
  void start();

  /**
   * Before a request is decided: what the shared budget says now. Completes with null on one instance (at once); in team
   * mode with the lease taken for the request, on a database thread.
   */
  CompletionStage<TeamLeases.Grant> beforeDecision(SessionAccount account, Admission request, long minimumMicros, long reserveMicros);

  /**
   * Team mode, hard caps: the refusal that the lease asks for ({@code null}: the lease covers the request). Under the
   * account's lock; only called with a grant.
   */
  BudgetDecision.Denied refuseOverLease(SessionAccount account, TeamLeases.Grant grant, long spentMicros, long capMicros, long minimumMicros,
                                        Standing standing);

  /**
   * Null while this instance may let its streams go on; else the message with which they stop (team mode: its heartbeat
   * lapsed, so its leases may have been handed to the other instances). Cheap: called for every metered event.
   */
  String fenced();

  /** A request of the session was refused (nothing of it is in flight). Under the account's lock. */
  void refused(SessionAccount account);

  /** What is left of the session for this instance, given what its books say ({@code sessionLeftMicros}). Under the account's lock. */
  long remaining(SessionAccount account, long sessionLeftMicros);

  /** Whether this instance's books may be behind the budget (team mode: other instances spend it too). */
  boolean booksMayLag();

  /**
   * Hard caps, a stream of the session grew: whether its requests in flight must be cut off, or more lease asked for.
   * Under the account's lock.
   */
  Metered metered(SessionAccount account);

  /** Asks for more lease for a session whose streams grew ({@link Metered#growByMicros}); not under the lock. */
  void grow(SessionAccount account, long micros);

  /**
   * A request of the session settled at {@code costMicros}: what of this instance's lease the ledger row gives back.
   * Under the account's lock, after the request left the books.
   */
  long settled(SessionAccount account, long costMicros);

  /** The session as the budget's home has it now (team mode: reads the database; one instance: nothing to do). */
  void refresh(String sessionId);

  /** Every session as the budget's home has it now. */
  void refreshAll();

  /** The day's settled and committed spend across instances; on one instance the books'. */
  DayView day(LocalDate day, DailyTotal books, java.util.Optional<Long> capMicros);

  /** A session the proxy sees for the first time: on one instance its row is written now (team mode: the first lease does it). */
  boolean writesFirstSight();

  @Override
  void close();

  /**
   * What metering decided.
   *
   * @param message      the block message for the requests to cut off, or null
   * @param cut          the requests to cut off
   * @param growByMicros more lease to ask for (0: none)
   */
  record Metered(String message, Collection<Reservation> cut, long growByMicros) {

    static final Metered NOTHING = new Metered(null, List.of(), 0);

    static Metered cut(String message, Collection<Reservation> requests) {
      return new Metered(message, List.copyOf(requests), 0);
    }

    static Metered grow(long micros) {
      return new Metered(null, List.of(), micros);
    }
  }
}
