package dev.abg.spend.ledger;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.logging.Log;

/**
 * Whether the ledger can take writes now, and if not, why — as the writer last found it. While it cannot, new requests
 * are refused (the proxy asks {@link #problem()}), the settled rows go to the {@link SpillJournal}, and {@code /abg/status},
 * {@code /q/health} and the {@code abg_ledger_writable} metric say so. A change of state is logged once, with its cause;
 * the rows that fail meanwhile are not logged one by one.
 */
public final class LedgerHealth {

  /** What is wrong, as an operator reads it (e.g. {@code disk full at /data (SQLITE_FULL)}); null: writable. */
  private volatile String problem;
  private volatile Instant since;
  /** A problem that only a restart clears: the database file was deleted or replaced under the running proxy. */
  private volatile String identityProblem;
  /** The writer's queue is full: rows wait on the journal, and new requests are refused until it drains. */
  private volatile boolean backlog;
  private final AtomicLong journaled = new AtomicLong();
  private final AtomicLong pendingInJournal = new AtomicLong();

  /** Why the ledger cannot take writes now; empty when it can. */
  public Optional<String> problem() {
    String p = identityProblem != null ? identityProblem : problem;
    if (p == null && backlog) {
      p = "the writer's queue is full (the store is slower than the requests)";
    }
    return Optional.ofNullable(p);
  }

  /** Since when the problem has lasted (null when there is none). */
  public Instant since() {
    return problem().isPresent() ? since : null;
  }

  /** Rows and changes written to the journal since start, and those in it not yet in the store. */
  public long journaledTotal() {
    return journaled.get();
  }

  public long pendingInJournal() {
    return pendingInJournal.get();
  }

  void failing(String cause) {
    if (problem == null) {
      Log.errorf("[abg] LEDGER the ledger cannot be written: %s; settled rows go to the journal and new requests are refused until it can", cause);
      since = Instant.now();
    }
    problem = cause;        // the latest cause is shown; the log line is written once per outage, not per row or retry
  }

  void writable(long replayed) {
    if (problem != null) {
      Log.infof("[abg] LEDGER the ledger can be written again (after %s: %s); %d entries replayed from the journal", 
          java.time.Duration.between(since, Instant.now()).withNanos(0), problem, replayed);
      problem = null;
    }
  }

  void identityLost(String cause) {
    if (identityProblem == null) {
      since = Instant.now();
      Log.errorf("[abg] LEDGER %s; settled rows go to the journal and new requests are refused: restore the file and restart abg", cause);
    }
    identityProblem = cause;
  }

  void backlog(boolean full) {
    if (full && !backlog) {
      Log.warnf("[abg] LEDGER the writer's queue is full: rows go to the journal, new requests are refused until it drains");
    }
    backlog = full;
  }

  void journaled(int entries) {
    journaled.addAndGet(entries);
  }

  void pending(long entries) {
    pendingInJournal.set(entries);
  }
}
