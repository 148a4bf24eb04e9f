package dev.abg.spend.ledger;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A write to the ledger, queued to the {@link LedgerWriter} in the order the in-memory books changed, and committed in a
 * group with the writes queued beside it. {@link #done()} completes after the commit.
 */
public sealed interface LedgerOp {

  CompletableFuture<?> done();

  /**
   * The write committed.
   *
   * @param id                its row's id (0: it made none)
   * @param sessionTotalMicros a request row: its session's spend since the reset, with it, as the database counts it
   */
  void committed(long id, long sessionTotalMicros);

  default void failed(Throwable cause) {
    done().completeExceptionally(cause);
  }

  /** What an {@link IdWrite}'s future gets when the write went to the journal: durable, its row id not known yet. */
  long JOURNALED = -1;

  /** The write is durable in the journal (the store could not take it yet): its future completes, as for a commit. */
  default void journaled() {
    committed(JOURNALED, 0);
  }

  /** A write whose future gets the id of the row it made (0: none). */
  sealed interface IdWrite extends LedgerOp {

    @Override
    CompletableFuture<Long> done();

    @Override
    default void committed(long id, long sessionTotalMicros) {
      done().complete(id);
    }
  }

  /** The session whose row the write locks first (null: none); team mode writes a group in this order. */
  String sessionId();

  /**
   * A session seen for the first time (or created through the admin API).
   *
   * @param source who created it, as its {@code session_created} event says: {@code proxy} (first sight) or {@code api}
   */
  record CreateSession(String sessionId, String label, Long capMicros, Instant at, String source, CompletableFuture<Long> done) implements IdWrite {

    /** A session the proxy sees for the first time. */
    public CreateSession(String id, String label, Long capMicros, Instant at, CompletableFuture<Long> done) {
      this(id, label, capMicros, at, SOURCE_PROXY, done);
    }
  }

  String SOURCE_PROXY = "proxy";
  String SOURCE_API = "api";

  /**
   * A settled or blocked request: its ledger row, and the session's running totals.
   *
   * @param leaseMicros team mode: what comes off this instance's lease on the session (0 on one instance)
   * @param done        completes with the row as committed: its id, and the session's total as the database counts it
   *                    (in team mode other instances' rows count too)
   */
  record InsertRequest(LedgerRow row, long leaseMicros, CompletableFuture<LedgerRow> done) implements LedgerOp {

    public InsertRequest(LedgerRow row, CompletableFuture<LedgerRow> done) {
      this(row, 0, done);
    }

    @Override
    public void committed(long id, long sessionTotalMicros) {
      done.complete(committedRow(id, sessionTotalMicros));
    }

    /** In the journal: the row as the books counted it, without an id yet. */
    @Override
    public void journaled() {
      done.complete(row);
    }

    LedgerRow committedRow(long id, long sessionTotalMicros) {
      return row.withId(id).withSessionTotal(sessionTotalMicros);
    }

    @Override
    public String sessionId() {
      return row.sessionId();
    }
  }

  /** Team mode: a part of this instance's lease on a session that no request row gives back (e.g. a late grant). */
  record ReturnLease(String sessionId, long micros, CompletableFuture<Long> done) implements IdWrite {
  }

  /** A change to a session through the admin API, with its audit event. {@code capMicros} null = keep. */
  record ChangeSession(String sessionId, SessionChange change, String eventKind, String eventDetail, Instant at, CompletableFuture<Long> done)
      implements IdWrite {
  }

  /** A runtime setting kept across restarts, with its audit event. */
  record PutSetting(String key, String value, String eventDetail, Instant at, CompletableFuture<Long> done) implements IdWrite {

    @Override
    public String sessionId() {
      return null;
    }
  }

  /** An audited event that changes no row (a budget change read from the config file). */
  record AuditEvent(String sessionId, String kind, String detail, Instant at, CompletableFuture<Long> done) implements IdWrite {
  }

  /** What an admin change does to the session row. */
  sealed interface SessionChange {
    record SetCap(Long capMicros) implements SessionChange {
    }

    record SetLabel(String label) implements SessionChange {
    }

    record Reset() implements SessionChange {
    }

    record Close() implements SessionChange {
    }
  }
}
