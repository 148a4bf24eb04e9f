package dev.abg.spend;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A write to the ledger, queued to the {@link LedgerWriter} in the order the in-memory books changed, and committed in a
 * group with the writes queued beside it. {@link #done()} completes after the commit.
 */
sealed interface LedgerOp {

  CompletableFuture<Long> done();

  /** The session whose row the write locks first (null: none); team mode writes a group in this order. */
  String sessionId();

  /**
   * A session seen for the first time (or created through the admin API).
   *
   * @param source who created it, as its {@code session_created} event says: {@code proxy} (first sight) or {@code api}
   */
  record CreateSession(String sessionId, String label, Long capMicros, Instant at, String source, CompletableFuture<Long> done) implements LedgerOp {

    /** A session the proxy sees for the first time. */
    CreateSession(String id, String label, Long capMicros, Instant at, CompletableFuture<Long> done) {
      this(id, label, capMicros, at, SOURCE_PROXY, done);
    }
  }

  String SOURCE_PROXY = "proxy";
  String SOURCE_API = "api";

  /**
   * A settled or blocked request: its ledger row, and the session's running totals.
   *
   * @param leaseMicros team mode: what comes off this instance's lease on the session (0 on one instance)
   */
  record InsertRequest(LedgerRow row, long leaseMicros, CompletableFuture<Long> done) implements LedgerOp {

    InsertRequest(LedgerRow row, CompletableFuture<Long> done) {
      this(row, 0, done);
    }

    @Override
    public String sessionId() {
      return row.sessionId();
    }
  }

  /** Team mode: a part of this instance's lease on a session that no request row gives back (e.g. a late grant). */
  record ReturnLease(String sessionId, long micros, CompletableFuture<Long> done) implements LedgerOp {
  }

  /** A change to a session through the admin API, with its audit event. {@code capMicros} null = keep. */
  record ChangeSession(String sessionId, SessionChange change, String eventKind, String eventDetail, Instant at, CompletableFuture<Long> done)
      implements LedgerOp {
  }

  /** A runtime setting kept across restarts, with its audit event. */
  record PutSetting(String key, String value, String eventDetail, Instant at, CompletableFuture<Long> done) implements LedgerOp {

    @Override
    public String sessionId() {
      return null;
    }
  }

  /** An audited event that changes no row (a budget change read from the config file). */
  record AuditEvent(String sessionId, String kind, String detail, Instant at, CompletableFuture<Long> done) implements LedgerOp {
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
