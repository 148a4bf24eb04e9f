package dev.abg.spend;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.abg.config.BudgetSettings;
import dev.abg.spend.ledger.JsonText;
import dev.abg.spend.ledger.LedgerOp;
import dev.abg.spend.ledger.LedgerWriter;

/**
 * What the admin API (and a reloaded config file) changes: a session's creation, cap, raise, label, reset and close, and
 * the budget defaults. Each change is made in the books and queued to the ledger with its audit event under the session's
 * lock, and returns once it has committed. Blocking: call from a worker thread.
 */
public final class SessionChanges {

  private final Books books;
  private final Budgets budgets;
  private final Sharing sharing;
  private final LedgerWriter writer;
  private final Clock clock;

  SessionChanges(Books books, Budgets budgets, Sharing sharing, LedgerWriter writer, Clock clock) {
    this.books = books;
    this.budgets = budgets;
    this.sharing = sharing;
    this.writer = writer;
    this.clock = clock;
  }

  /**
   * Creates a session before its first request. {@code capMicros} null: it follows the default session budget.
   *
   * @throws SessionProblem EXISTS when the id was seen or created before (closed sessions included)
   */
  public SessionView create(String id, String label, Long capMicros) {
    Instant now = clock.instant();
    SessionAccount created = new SessionAccount(id, now);
    created.label = label;
    created.capMicros = capMicros;
    CompletableFuture<Long> done = new CompletableFuture<>();
    sharing.refresh(id);
    synchronized (created) {
      // an evicted session is in the ledger only: books.get loads it
      if (books.get(id) != null || !books.add(created)) {
        throw exists(id);
      }
      created.lastWriteSeq = writer.submit(new LedgerOp.CreateSession(id, label, capMicros, now, LedgerOp.SOURCE_API, done));
    }
    if (await(done) == 0) {
      // team mode: another instance created it meanwhile
      books.remove(created);
      sharing.refresh(id);
      throw exists(id);
    }
    books.added(id);
    return books.view(created);
  }

  private static SessionProblem exists(String id) {
    return new SessionProblem(SessionProblem.Kind.EXISTS, id, "session '" + id + "' already exists; change it with PATCH /abg/sessions/" + id);
  }

  /** Gives the session its own cap. */
  public SessionView setCap(String id, long capMicros) {
    return change(id, true, a -> {
      Long old = a.capMicros;
      a.capMicros = capMicros;
      return new Change(new LedgerOp.SessionChange.SetCap(capMicros), "cap_set", "{\"old_cap_micros\":" + old + ",\"cap_micros\":" + capMicros + "}");
    });
  }

  /** Raise-and-resume: adds to the session's current cap, so that the very next request of a blocked session passes. */
  public SessionView raise(String id, long raiseMicros) {
    return change(id, true, a -> {
      long old = a.capOr(budgets.defaultCapMicros());
      long raised = Math.min(Money.MAX_MICROS, old + raiseMicros);
      a.capMicros = raised;
      return new Change(new LedgerOp.SessionChange.SetCap(raised), "raised",
          "{\"raise_micros\":" + raiseMicros + ",\"old_cap_micros\":" + old + ",\"cap_micros\":" + raised + "}");
    });
  }

  public SessionView setLabel(String id, String label) {
    return change(id, false, a -> {
      String old = a.label;
      a.label = label;
      return new Change(new LedgerOp.SessionChange.SetLabel(label), "label_set",
          "{\"old_label\":" + JsonText.quote(old) + ",\"label\":" + JsonText.quote(label) + "}");
    });
  }

  /** Spend counts from now on; the ledger keeps every row, the reset is an audited event. */
  public SessionView reset(String id) {
    return change(id, true, a -> {
      long old = a.settledMicros;
      a.settledMicros = 0;
      return new Change(new LedgerOp.SessionChange.Reset(), "reset", "{\"spent_before_micros\":" + old + "}");
    });
  }

  /** Closes a session: every later request is blocked. Closing twice changes nothing. */
  public SessionView close(String id) {
    SessionAccount a = fresh(id);
    if (a == null) {
      throw SessionProblem.notFound(id);
    }
    synchronized (a) {
      if (a.closed) {
        return books.view(a);
      }
    }
    return change(id, false, acc -> {
      acc.closed = true;
      return new Change(new LedgerOp.SessionChange.Close(), "closed", "{\"spent_micros\":" + acc.settledMicros + "}");
    });
  }

  /** Replaces the budget defaults at runtime; kept across restarts until the config file's budgets are edited. */
  public BudgetSettings putBudgets(BudgetSettings next) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    synchronized (budgets) {
      BudgetSettings old = budgets.replace(next);
      writer.submit(new LedgerOp.PutSetting(BudgetsCodec.KEY, BudgetsCodec.encode(next, budgets.fromConfig()),
          "{\"source\":\"api\",\"old\":" + BudgetsCodec.values(old) + ",\"new\":" + BudgetsCodec.values(next) + "}", clock.instant(), done));
    }
    await(done);
    SpendService.DECISIONS.infof("ADMIN budgets session=%s daily=%s warn_at=%s block_on_limit=%s", Money.format(Money.micros(next.sessionBudgetUsd()), 2),
        next.dailyBudgetUsd().map(d -> Money.format(Money.micros(d), 2)).orElse("none"), next.warnAt(), next.blockOnLimit());
    return next;
  }

  /**
   * The config file's budget keys were edited while running: they take effect now (the latest change wins over an
   * earlier API change), and the change is an audited event.
   */
  public void applyConfigBudgets(BudgetSettings fromFile) {
    synchronized (budgets) {
      BudgetSettings old = budgets.replaceFromConfig(fromFile);
      writer.submit(new LedgerOp.AuditEvent(null, "budgets_changed",
          "{\"source\":\"config\",\"old\":" + BudgetsCodec.values(old) + ",\"new\":" + BudgetsCodec.values(fromFile) + "}", clock.instant(),
          new CompletableFuture<>()));
    }
  }

  /** Whether the budgets in force were set through the admin API (else they are the config file's). */
  public boolean budgetsFromApi() {
    return budgets.fromApi();
  }

  private record Change(LedgerOp.SessionChange change, String kind, String detail) {
  }

  private SessionView change(String id, boolean refuseClosed, Function<SessionAccount, Change> mutation) {
    SessionAccount a = fresh(id);
    if (a == null) {
      throw SessionProblem.notFound(id);
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    synchronized (a) {
      if (refuseClosed && a.closed) {
        throw SessionProblem.closed(id);
      }
      Change c = mutation.apply(a);
      books.changing(a, 1);
      a.lastWriteSeq = writer.submit(new LedgerOp.ChangeSession(id, c.change(), c.kind(), c.detail(), clock.instant(), done));
    }
    try {
      await(done);
    } finally {
      synchronized (a) {
        books.changing(a, -1);
      }
    }
    SpendService.DECISIONS.infof("ADMIN session=%s %s", id, describe(a));
    return books.view(a);
  }

  private String describe(SessionAccount a) {
    synchronized (a) {
      return "cap=" + Money.format(a.capOr(budgets.defaultCapMicros()), 2) + " spent=" + Money.format(a.settledMicros, 2) + (a.closed ? " closed" : "");
    }
  }

  /** The account of a session, in team mode as the shared database has it now; null when there is no such session. */
  private SessionAccount fresh(String id) {
    sharing.refresh(id);
    return books.get(id);
  }

  private static long await(CompletableFuture<Long> done) {
    try {
      return done.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the ledger did not record the change: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the ledger did not record the change within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording the change", e);
    }
  }
}
