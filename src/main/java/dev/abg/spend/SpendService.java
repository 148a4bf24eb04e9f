package dev.abg.spend;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.abg.config.AbgConfig;
import dev.abg.config.BudgetSettings;
import dev.abg.config.BudgetsReloaded;
import dev.abg.spend.ledger.JsonlLedger;
import dev.abg.spend.ledger.LedgerHealth;
import dev.abg.spend.ledger.LedgerOp;
import dev.abg.spend.ledger.LedgerRow;
import dev.abg.spend.ledger.LedgerStore;
import dev.abg.spend.ledger.LedgerWriter;
import dev.abg.spend.ledger.TeamLeases;
import dev.abg.spend.price.Priced;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;

/**
 * Money, the proxy's side: admits requests against their session's cap and the daily cap, meters them while they
 * stream, and settles them into ledger rows. The books ({@link Books}) live in memory, loaded from the ledger at start,
 * so that admission never waits for the database; every change is queued to the single {@link LedgerWriter} in the order
 * it happened. What the admin API changes goes through {@link SessionChanges}; how the budget is shared with other
 * instances, through {@link Sharing} (one instance, or team mode over PostgreSQL: docs/team-mode.md).
 */
@Startup
@Singleton
public class SpendService {

  /** Decisions are logged in the seed's style, to the {@code abg} category: {@code [abg] ALLOW session=…}. */
  static final Logger DECISIONS = Logger.getLogger("abg");

  private final Prices prices;
  private final InputCosts inputCosts;
  private final Budgets budgets;
  private final Books books;
  private final Sharing sharing;
  private final LedgerWriter writer;
  private final Optional<JsonlLedger> jsonl;
  private final SpendMetrics metrics;
  private final SessionChanges changes;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LedgerHealth health = new LedgerHealth();
  private final LedgerStore store;
  private final Clock clock;

  /** A session idle for this long leaves memory (it is read from the ledger again when it comes back). */
  static final java.time.Duration IDLE_EVICTION = java.time.Duration.ofMinutes(15);
  /** At most this many sessions are loaded at start: today's and the recently active ones, most recent first. */
  static final int START_LOAD_LIMIT = 5_000;
  private final java.util.concurrent.ScheduledExecutorService evictor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "abg-session-evictor");
    t.setDaemon(true);
    return t;
  });

  SpendService(AbgConfig config, LedgerStore store, Prices prices, Clock clock, MeterRegistry registry) {
    this.prices = prices;
    this.inputCosts = new InputCosts(prices);
    this.budgets = new Budgets(config.budgets(), store.setting(BudgetsCodec.KEY).flatMap(stored -> BudgetsCodec.effective(stored, config.budgets())),
        config.enforcement(), config.timezone(), clock);
    this.metrics = new SpendMetrics(registry, config.metrics(), clock, this::cachedSession, this::cachedSessions, this::today);
    metrics.ledger(health);
    this.jsonl = config.ledgerFile().map(SpendService::openJsonl);
    TeamLeases leases = store.team() ? new TeamLeases(store.dataSource()) : null;
    // before the journal's replay appends to it: does the JSONL ledger have rows the database lacks?
    jsonl.ifPresent(store::checkAgainst);
    // the writer first: it replays what its journal holds from before, so that the books read it from the store
    this.writer = new LedgerWriter(store.dataSource(), leases == null ? null : leases.instanceId(), rows -> jsonl.ifPresent(j -> j.append(rows)),
        new LedgerWriter.Options(store.journalPath(), health, store.where(), store.team(), store::identityProblem));
    LocalDate today = budgets.today();
    this.store = store;
    this.clock = clock;
    // (a session that leaves memory leaves the metrics' series at their next choice: SessionSeries follows the books)
    this.books = new Books(budgets, new DailyTotal(today, store.dayTotal(today)), metrics::session, id -> { },
        // team mode: every admission asks the database anyway (its lease brings the session's state), so nothing is read here,
        // on an event loop
        store.team() ? id -> Optional.empty() : store::session);
    // today's sessions and the recently active ones; the others are read from the ledger when asked for
    store.recentSessions(startWindow(budgets, clock), START_LOAD_LIMIT).forEach(s -> books.applyStored(s, 0));
    books.applyJournaled(writer.journaledRows());
    this.sharing = leases == null ? new LocalSharing(books, budgets) : new TeamSharing(leases, store, books, budgets, writer, clock);
    this.changes = new SessionChanges(books, budgets, sharing, writer, clock);
    sharing.start();
    metrics.refreshSessions();
    evictor.scheduleWithFixedDelay(this::evictIdle, 60, 60, java.util.concurrent.TimeUnit.SECONDS);
    DECISIONS.infof("session budget: %s daily budget: %s (%d sessions in the ledger, %s spent today)", Money.format(budgets.defaultCapMicros(), 2),
        budgets.dailyCapMicros().map(d -> Money.format(d, 2)).orElse("none"), books.size(), Money.format(books.daily().settled(today), 2));
  }

  /** The start of today, or the idle window if it reaches further back: what start-up loads. */
  private static Instant startWindow(Budgets budgets, Clock clock) {
    Instant dayStart = budgets.today().atStartOfDay(budgets.zone()).toInstant();
    Instant recent = clock.instant().minus(IDLE_EVICTION);
    return dayStart.isBefore(recent) ? dayStart : recent;
  }

  /** Sessions idle past {@link #IDLE_EVICTION} leave memory, so that it is bounded by activity, not by history. */
  int evictIdle() {
    try {
      return books.evictIdle(clock.instant().minus(IDLE_EVICTION), writer::inStore);
    } catch (RuntimeException e) {
      DECISIONS.warnf("cannot evict idle sessions: %s", e.getMessage());
      return 0;
    }
  }

  /** Whether the ledger can take writes now; when not, why (new requests are refused meanwhile). */
  public Optional<String> ledgerProblem() {
    return health.problem();
  }

  /** The ledger's state: writable or not, and what waits in its journal ({@code /abg/status}, {@code /q/health}). */
  public LedgerHealth ledgerHealth() {
    return health;
  }

  private static JsonlLedger openJsonl(java.nio.file.Path path) {
    try {
      return new JsonlLedger(path);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot open ledger_file " + path + ": " + e.getMessage(), e);
    }
  }

  /** What the admin API changes: sessions' caps, labels, resets and closes, and the budget defaults. */
  @Produces
  @Singleton
  public SessionChanges changes() {
    return changes;
  }

  /** The config file's budgets were edited: they take effect now. */
  void budgetsReloaded(@Observes BudgetsReloaded reloaded) {
    changes.applyConfigBudgets(reloaded.budgets());
  }

  // ---------------------------------------------------------------- admission

  /**
   * Decides whether a request may go upstream, and if so reserves the least its input can cost — in one step under the
   * session's lock, so that requests arriving together cannot all pass on the same remaining budget. Never blocks on
   * I/O: safe on an event loop. On one instance the stage is complete when returned; in team mode it completes when the
   * database has answered (on a database thread).
   */
  public CompletionStage<BudgetDecision> admit(Admission request) {
    SessionAccount account = account(request.sessionId(), request.startedAt());
    long minimum = hardCaps() ? inputCosts.least(request.provider(), request.model(), request.inputTokens()) : 0;
    // what the request counts for while in flight: when its input was counted exactly (near the cap), the input at its base
    // price, so that parallel requests cannot all pass on cache reads they may not get; else its least
    long reserve = minimum > 0 && request.inputCounted() ? Math.max(minimum, inputCosts.base(request.provider(), request.model(), request.inputTokens()))
        : minimum;
    CompletionStage<TeamLeases.Grant> shared = sharing.beforeDecision(account, request, minimum, reserve);
    CompletableFuture<TeamLeases.Grant> now = shared.toCompletableFuture();
    if (now.isDone() && !now.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(decide(account, request, minimum, reserve, now.join()));
    }
    return shared.thenApply(grant -> decide(account, request, minimum, reserve, grant));
  }

  /** Decides under the session's lock; {@code grant}: team mode's lease and the shared books (null on one instance). */
  private BudgetDecision decide(SessionAccount account, Admission request, long minimum, long reserve, TeamLeases.Grant grant) {
    LocalDate today = budgets.today();
    synchronized (account) {
      long cap = account.capOr(budgets.defaultCapMicros());
      long spent = account.committedMicros();
      long dailySpent = grant == null ? books.daily().committed(today) : grant.daySpentMicros() + grant.dayLeasedMicros();
      Standing standing = new Standing(account.id, spent, cap, budgets.warning(spent, cap, dailySpent));
      if (account.closed) {
        return new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CLOSED, BlockMessages.closed(account.id), standing);
      }
      if (budgets.blocking()) {
        BudgetDecision.Denied denied = grant != null && budgets.enforcement().hard()
            ? sharing.refuseOverLease(account, grant, spent, cap, minimum, standing)
            : refuseOverCap(account, spent, cap, dailySpent, minimum, standing);
        if (denied == null) {
          String runaway = RunawayBreaker.check(budgets.enforcement(), account, request, request.startedAt().toEpochMilli());
          denied = runaway == null ? null : new BudgetDecision.Denied(BudgetDecision.Reason.RUNAWAY, runaway, standing);
        }
        if (denied != null) {
          sharing.refused(account);
          return denied;
        }
      }
      Reservation reservation = new Reservation(account, request, reserve);
      account.inFlightMicros += reserve;
      account.live.add(reservation);
      books.daily().moveInFlight(reserve);
      books.live().add(reservation);
      account.lastSeen = request.startedAt();
      return new BudgetDecision.Granted(reservation, standing);
    }
  }

  /** The books' rule: the session's cap, and the day's, must have room for the request's least input. */
  private BudgetDecision.Denied refuseOverCap(SessionAccount account, long spent, long cap, long dailySpent, long minimum, Standing standing) {
    if (spent >= cap || spent + minimum > cap) {
      return new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CAP,
          spent >= cap ? BlockMessages.cap(account.id, spent, cap) : BlockMessages.cannotAfford(account.id, spent, cap, minimum), standing);
    }
    Optional<Long> dailyCap = budgets.dailyCapMicros();
    if (dailyCap.isPresent() && (dailySpent >= dailyCap.get() || dailySpent + minimum > dailyCap.get())) {
      return new BudgetDecision.Denied(BudgetDecision.Reason.DAILY_CAP, budgets.dailyMessage(dailySpent), standing);
    }
    return null;
  }

  /** Whether hard enforcement applies now (hard mode, and not warn-only). */
  public boolean hardCaps() {
    return budgets.hardCaps();
  }

  /**
   * Whether a request's input should be counted exactly before it is admitted: with hard caps, when what is left may not
   * cover its input at the dearest price. On one instance nothing left means a block anyway; in team mode this instance's
   * books may be behind the other instances' (leases given back), so it counts then too.
   */
  public boolean nearCap(String sessionId, Provider provider, String model, long inputTokensAtMost) {
    if (!hardCaps()) {
      return false;
    }
    long remaining = remainingMicros(sessionId);
    return (remaining > 0 || sharing.booksMayLag()) && remaining < inputCosts.most(provider, model, inputTokensAtMost);
  }

  /** What is left of a session's cap and of the day's, whichever is smaller (an unseen session has its whole cap). */
  public long remainingMicros(String sessionId) {
    long sessionLeft = books.standing(sessionId).remainingMicros();
    SessionAccount account = sharing.booksMayLag() ? books.get(sessionId) : null;
    if (account != null) {
      synchronized (account) {
        sessionLeft = sharing.remaining(account, sessionLeft);
      }
    }
    long left = sessionLeft;
    return budgets.dailyCapMicros().map(cap -> Math.min(left, Math.max(0, cap - books.daily().committed(budgets.today())))).orElse(left);
  }

  /** Where a session stands now (an unseen session: nothing spent, the default cap); does not create it. */
  public Standing standing(String sessionId) {
    return books.standing(sessionId);
  }

  /** Records a blocked request in the ledger (cost 0) and logs the decision. */
  public CompletionStage<LedgerRow> recordBlock(Admission request, BudgetDecision.Denied denied) {
    SessionAccount account = account(request.sessionId(), request.startedAt());
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    LedgerRow row;
    synchronized (account) {
      account.requests++;
      account.lastSeen = request.startedAt();
      row = new LedgerRow(0, request.startedAt(), request.startedAt(), budgets.day(request.startedAt()), account.id, request.agentId(),
          request.client(), request.provider(), request.endpoint(), request.model(), null, false, Usage.NONE, 0, account.settledMicros,
          LedgerRow.Action.BLOCK, UsageSource.REPORTED, prices.table().version(), null, null);
      account.lastWriteSeq = writer.submit(new LedgerOp.InsertRequest(row, done));
    }
    metrics.recorded(row);
    metrics.blocked(denied.reason());
    DECISIONS.infof("BLOCKED session=%s model=%s | %s", account.id, request.model(), denied.message());
    return done;
  }

  // ---------------------------------------------------------------- in flight

  /**
   * Updates what an in-flight request counts for, from the usage its stream has shown so far. In hard enforcement, when
   * the session's settled plus in-flight spend reaches its cap (or the day's reaches the daily cap, or in team mode the
   * lease runs out), every request in flight that would pass it is asked to stop: see {@link Reservation#onCutOff}.
   */
  public void meter(Reservation reservation, String model, Usage usageSoFar) {
    if (reservation.isSettled()) {
      return;
    }
    long consumed = prices.table().price(reservation.admission.provider(), model, usageSoFar).costMicros();
    SessionAccount account = reservation.account;
    Sharing.Metered verdict = Sharing.Metered.NOTHING;
    synchronized (account) {
      if (reservation.isSettled()) {
        return;
      }
      // never below what was reserved at admission: the reservation is the least the input costs
      long now = Math.max(consumed, reservation.liveMicros);
      long delta = now - reservation.liveMicros;
      reservation.liveMicros = now;
      account.inFlightMicros += delta;
      books.daily().moveInFlight(delta);
      if (hardCaps() && delta > 0) {
        verdict = sharing.metered(account);
      }
    }
    String fenced = sharing.fenced();
    if (fenced != null) {
      reservation.requestCutOff(fenced);
      return;
    }
    for (Reservation r : verdict.cut()) {
      r.requestCutOff(verdict.message());
    }
    if (verdict.growByMicros() > 0) {
      sharing.grow(account, verdict.growByMicros());
    }
  }

  /**
   * Turns a reservation into a ledger row, exactly once. The returned stage completes when the row has committed; a
   * second call for the same reservation returns an already-completed empty stage.
   */
  public CompletionStage<Optional<LedgerRow>> settle(Reservation reservation, Outcome outcome) {
    if (!reservation.claimSettlement()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Admission a = reservation.admission;
    String model = outcome.model() != null ? outcome.model() : a.model();
    Priced priced = prices.table().price(a.provider(), model, outcome.usage(), outcome.endedAt());
    SessionAccount account = reservation.account;
    LocalDate day = budgets.day(outcome.endedAt());
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    LedgerRow row;
    String warning;
    synchronized (account) {
      account.inFlightMicros -= reservation.liveMicros;
      account.live.remove(reservation);
      books.live().remove(reservation);
      books.daily().settle(day, reservation.liveMicros, priced.costMicros());
      RunawayBreaker.settled(account, outcome.endedAt().toEpochMilli(), priced.costMicros(), a.bodyFingerprint(), outcome.upstreamStatus());
      reservation.liveMicros = 0;
      account.settledMicros += priced.costMicros();
      account.requests++;
      account.lastSeen = outcome.endedAt();
      long cap = account.capOr(budgets.defaultCapMicros());
      warning = budgets.warning(account.committedMicros(), cap, books.daily().committed(day));
      LedgerRow.Action action = outcome.cutOff() ? LedgerRow.Action.CUTOFF : warning != null ? LedgerRow.Action.WARN : LedgerRow.Action.ALLOW;
      row = new LedgerRow(0, a.startedAt(), outcome.endedAt(), day, account.id, a.agentId(), a.client(), a.provider(), a.endpoint(), model,
          priced.pricedAs(), priced.fallback(), outcome.usage(), priced.costMicros(), account.settledMicros, action, outcome.usageSource(),
          priced.priceVersion(), outcome.upstreamStatus(), outcome.requestId());
      account.lastWriteSeq = writer.submit(new LedgerOp.InsertRequest(row, sharing.settled(account, priced.costMicros()), done));
    }
    metrics.recorded(row);
    DecisionLog.settled(row, warning);
    return done.thenApply(Optional::of);
  }

  // ---------------------------------------------------------------- reads

  /** A snapshot of one session (in team mode, as the shared database has it now); empty when it was never seen. */
  public Optional<SessionView> session(String id) {
    sharing.refresh(id);
    SessionAccount a = books.get(id);
    return a == null ? Optional.empty() : Optional.of(books.view(a));
  }

  /** Snapshots of the sessions in memory, most recently seen first (in team mode, as the shared database has them now). */
  public List<SessionView> sessions() {
    try {
      sharing.refreshAll();
    } catch (IllegalStateException e) {
      // team mode, the database away: what this instance's books have (the status must still say what is wrong)
    }
    List<SessionView> out = new ArrayList<>(books.size());
    for (SessionAccount a : books.all()) {
      out.add(books.view(a));
    }
    out.sort(Comparator.comparing(SessionView::lastSeen).reversed());
    return out;
  }

  /**
   * Snapshots of every session seen since {@code since}: those in memory, and those the ledger has that are not (evicted,
   * or not loaded at start), most recently seen first.
   */
  public List<SessionView> sessionsSeenSince(Instant since) {
    List<SessionView> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (SessionView v : sessions()) {
      if (!v.lastSeen().isBefore(since)) {
        out.add(v);
        seen.add(v.id());
      }
    }
    List<dev.abg.spend.ledger.StoredSession> stored;
    try {
      stored = store.recentSessions(since, Integer.MAX_VALUE);
    } catch (IllegalStateException e) {
      stored = List.of();      // the ledger cannot be read (its file deleted, say): what memory has
    }
    for (dev.abg.spend.ledger.StoredSession s : stored) {
      if (!seen.contains(s.id()) && !s.lastSeen().isBefore(since)) {
        out.add(books.storedView(s));
      }
    }
    out.sort(Comparator.comparing(SessionView::lastSeen).reversed());
    return out;
  }

  /**
   * Sessions in a list's order after a position, from the ledger, with what the books have for those in memory (their
   * requests in flight); {@code limit} at most.
   *
   * @param afterKey the position's spend in micros, or its last-seen time; null: from the start
   */
  public List<SessionView> sessionsInOrder(boolean bySpend, boolean descending, Boolean closed, String afterKey, String afterId, int limit) {
    List<SessionView> out = new ArrayList<>();
    for (dev.abg.spend.ledger.StoredSession s : store.sessionsInOrder(bySpend, descending, closed, afterKey, afterId, limit)) {
      out.add(books.loaded(s.id()) ? books.view(books.get(s.id())) : books.storedView(s));
    }
    return out;
  }

  /** How many sessions are in memory now. */
  public int sessionsInMemory() {
    return books.size();
  }

  /** The in-memory snapshot of one session (metrics: never waits for the database). */
  private Optional<SessionView> cachedSession(String id) {
    return books.cached(id);
  }

  /** The in-memory snapshots of every session (metrics). */
  private List<SessionView> cachedSessions() {
    List<SessionView> out = new ArrayList<>(books.size());
    books.all().forEach(a -> out.add(books.view(a)));
    return out;
  }

  public DayView today() {
    return sharing.day(budgets.today(), books.daily(), budgets.dailyCapMicros());
  }

  public BudgetSettings budgets() {
    return budgets.current();
  }

  /** The price table in force. */
  public dev.abg.spend.price.PriceTable prices() {
    return prices.table();
  }

  // ---------------------------------------------------------------- helpers

  private SessionAccount account(String id, Instant seen) {
    return books.account(id, seen, created -> {
      if (sharing.writesFirstSight()) {
        created.lastWriteSeq = writer.submit(new LedgerOp.CreateSession(created.id, null, null, seen, new CompletableFuture<>()));
      }
    });
  }

  /** Stops before the datasources do: the writer drains its queue, and in team mode the leases go back at once. */
  void onShutdown(@Observes ShutdownEvent event) {
    close();
  }

  @PreDestroy
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    evictor.shutdownNow();
    metrics.close();
    writer.close();
    sharing.close();
    jsonl.ifPresent(j -> {
      try {
        j.close();
      } catch (java.io.IOException ignored) {
        // closing at shutdown: the lines are already written
      }
    });
  }
}
