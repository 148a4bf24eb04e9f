package dev.abg.spend;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.abg.config.AbgConfig;
import dev.abg.config.BudgetSettings;
import dev.abg.config.EnforcementSettings;
import dev.abg.spend.price.Priced;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Money and the ledger: admits requests against their session's cap and the daily cap, settles them into ledger rows,
 * and changes sessions for the admin API. The books live in memory (loaded from the ledger at start) so that admission
 * never waits for the database; every change is queued to the single {@link LedgerWriter} in the order it happened.
 *
 * <p>Team mode (PostgreSQL, several instances): the same books, but what this instance's requests of a session may
 * consume is bounded by the lease it holds on that session, taken from the shared database with {@link TeamLeases};
 * admission asks the database (it sees the cap, the spend and the state the other instances left), metering asks for
 * more lease as a stream grows, and a stream is cut off when no more can be had. docs/team-mode.md.
 */
@Startup
@Singleton
public class SpendService {

  /** Decisions are logged in the seed's style, to the {@code abg} category: {@code [abg] ALLOW session=…}. */
  private static final Logger DECISIONS = Logger.getLogger("abg");

  private final AbgConfig config;
  private final LedgerStore store;
  private final Prices prices;
  private final Clock clock;
  private final LedgerWriter writer;
  private final Optional<JsonlLedger> jsonl;
  private final Map<String, SessionAccount> accounts = new ConcurrentHashMap<>();
  private final DailyTotal daily;
  private final SpendMetrics metrics;
  private volatile BudgetSettings budgets;
  private final EnforcementSettings enforcement;
  /** Every request in flight, across sessions: a daily cap cuts them all off. */
  private final Set<Reservation> live = ConcurrentHashMap.newKeySet();
  /** The budgets as the config file gives them (changes when the file is reloaded). */
  private volatile BudgetSettings configBudgets;
  /** Team mode's leases and heartbeat; null on one instance (SQLite). */
  private final TeamLeases team;
  /**
   * Team mode: orders this instance's admin changes against its reads of the database, so that a read that began before a
   * change committed does not put the old cap, label or state back (see {@link SessionAccount#changedSince}).
   */
  private final java.util.concurrent.atomic.AtomicLong changeClock = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Team mode: the least and the most lease taken beyond what the requests need now, as headroom for their streams (the
   * database gives an eighth of what is left, within these bounds); more is asked for when the streams come within the
   * least of the lease's end.
   */
  static final long MIN_HEADROOM_MICROS = 2_000;
  static final long MAX_HEADROOM_MICROS = 50_000;

  SpendService(AbgConfig config, LedgerStore store, Prices prices, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.prices = prices;
    this.clock = clock;
    this.configBudgets = config.budgets();
    this.enforcement = config.enforcement();
    this.budgets = store.setting(BudgetsCodec.KEY).flatMap(stored -> BudgetsCodec.effective(stored, configBudgets)).orElse(configBudgets);
    this.store = store;
    this.team = store.team() ? new TeamLeases(store.dataSource()) : null;
    this.metrics = new SpendMetrics(registry, this::cachedSession, this);
    store.sessions().forEach(s -> applyStored(s, 0));
    this.daily = new DailyTotal(currentDay(), store.dayTotal(currentDay()));
    this.jsonl = config.ledgerFile().map(SpendService::openJsonl);
    this.writer = new LedgerWriter(store.dataSource(), team == null ? null : team.instanceId(), rows -> jsonl.ifPresent(j -> j.append(rows)));
    if (team != null) {
      team.start(this::refreshFromTeam, this::leasesLost);
      DECISIONS.infof("team mode: instance %s shares sessions and budgets through PostgreSQL", team.instanceId());
    }
    DECISIONS.infof("session budget: %s daily budget: %s (%d sessions in the ledger, %s spent today)",
        Money.format(defaultCapMicros(), 2), budgets.dailyBudgetUsd().map(d -> Money.format(Money.micros(d), 2)).orElse("none"),
        accounts.size(), Money.format(daily.settled(currentDay()), 2));
  }

  private static JsonlLedger openJsonl(java.nio.file.Path path) {
    try {
      return new JsonlLedger(path);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot open ledger_file " + path + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- the proxy's side

  /**
   * Decides whether a request may go upstream, and if so reserves the least its input can cost — in one step under the
   * session's lock, so that requests arriving together cannot all pass on the same remaining budget. Never blocks on
   * I/O: safe on an event loop. On one instance the stage is complete when returned; in team mode it completes when the
   * database has answered (on a {@link TeamLeases} thread).
   */
  public CompletionStage<BudgetDecision> admit(Admission request) {
    SessionAccount account = account(request.sessionId(), request.startedAt());
    BudgetSettings b = budgets;
    EnforcementSettings e = enforcement;
    long minimum = e.hard() && b.blockOnLimit() ? minimumInputMicros(request.provider(), request.model(), request.inputTokens()) : 0;
    // what the request counts for while in flight: when its input was counted exactly (near the cap), the input at its base
    // price, so that parallel requests cannot all pass on cache reads they may not get; else its least
    long reserve = minimum > 0 && request.inputCounted() ? Math.max(minimum, baseInputMicros(request.provider(), request.model(), request.inputTokens()))
        : minimum;
    if (team == null) {
      return CompletableFuture.completedFuture(decide(account, request, b, minimum, reserve, null));
    }
    // team mode: always ask the database, which knows what the other instances did to the session (a raise, a reset, a
    // close, their spend); with a hard cap, take the lease this request needs plus headroom for its stream
    synchronized (account) {
      account.admittingMicros += reserve;
      account.admitting++;
    }
    return admitInTeam(account, request, b, minimum, reserve, 1);
  }

  /** Team mode: takes what the request needs; asks again (a few times) when requests admitted meanwhile used the lease. */
  private CompletionStage<BudgetDecision> admitInTeam(SessionAccount account, Admission request, BudgetSettings b, long minimum, long reserve,
                                                     int attempt) {
    long need;
    boolean lease = hardCaps();
    synchronized (account) {
      // what this instance's requests of the session need: those in flight, and those being admitted (this one included)
      need = lease ? Math.max(0, account.inFlightMicros + account.admittingMicros - account.leaseMicros) : 0;
    }
    long readAt = changeClock.get();
    return team.take(account.id, request.startedAt(), currentDay(), need, lease ? MIN_HEADROOM_MICROS : 0, lease ? MAX_HEADROOM_MICROS : 0,
        defaultCapMicros(), dailyCapMicros()).handle((grant, failure) -> {
      boolean retry;
      synchronized (account) {
        if (failure == null) {
          applyGrant(account, grant, readAt);
        }
        retry = failure == null && lease && !grant.exhausted() && attempt < 3 && account.inFlightMicros + Math.max(1, minimum) > account.leaseMicros;
        if (!retry) {
          account.admittingMicros -= reserve;
          account.admitting--;
        }
      }
      if (failure != null) {
        synchronized (account) {
          returnIdleLease(account);
        }
        throw failure instanceof java.util.concurrent.CompletionException ce ? ce : new java.util.concurrent.CompletionException(failure);
      }
      return retry ? admitInTeam(account, request, b, minimum, reserve, attempt + 1)
          : CompletableFuture.completedFuture(decide(account, request, b, minimum, reserve, grant));
    }).thenCompose(stage -> stage);
  }

  private BudgetDecision decide(SessionAccount account, Admission request, BudgetSettings b, long minimum, long reserve, TeamLeases.Grant grant) {
    EnforcementSettings e = enforcement;
    LocalDate today = currentDay();
    synchronized (account) {
      long cap = account.capOr(defaultCapMicros());
      long spent = account.committedMicros();
      long dailySpent = grant == null ? daily.committed(today) : grant.daySpentMicros() + grant.dayLeasedMicros();
      Standing standing = new Standing(account.id, spent, cap, warning(b, spent, cap, dailySpent));
      if (account.closed) {
        return new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CLOSED,
            "abg: session '" + account.id + "' is closed; it accepts no more requests. Start the agent with a new session id.", standing);
      }
      if (b.blockOnLimit() && grant != null && e.hard()) {
        // team mode, hard cap: this instance's lease must cover its requests in flight and this one's least
        if (spent >= cap || account.inFlightMicros + Math.max(1, minimum) > account.leaseMicros) {
          returnIdleLease(account);
          return grant.dayLimited()
              ? new BudgetDecision.Denied(BudgetDecision.Reason.DAILY_CAP, dailyMessage(dailySpent, dailyCapMicros().orElse(0L)), standing)
              : new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CAP,
                  spent >= cap ? capMessage(account.id, spent, cap) : cannotAffordMessage(account.id, spent, cap, minimum), standing);
        }
        String runaway = RunawayBreaker.check(e, account, request, request.startedAt().toEpochMilli());
        if (runaway != null) {
          returnIdleLease(account);
          return new BudgetDecision.Denied(BudgetDecision.Reason.RUNAWAY, runaway, standing);
        }
      } else if (b.blockOnLimit()) {
        if (spent >= cap || spent + minimum > cap) {
          return new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CAP,
              spent >= cap ? capMessage(account.id, spent, cap) : cannotAffordMessage(account.id, spent, cap, minimum), standing);
        }
        Optional<Long> dailyCap = dailyCapMicros();
        if (dailyCap.isPresent() && (dailySpent >= dailyCap.get() || dailySpent + minimum > dailyCap.get())) {
          return new BudgetDecision.Denied(BudgetDecision.Reason.DAILY_CAP, dailyMessage(dailySpent, dailyCap.get()), standing);
        }
        String runaway = RunawayBreaker.check(e, account, request, request.startedAt().toEpochMilli());
        if (runaway != null) {
          return new BudgetDecision.Denied(BudgetDecision.Reason.RUNAWAY, runaway, standing);
        }
      }
      Reservation reservation = new Reservation(account, request, reserve);
      account.inFlightMicros += reserve;
      account.live.add(reservation);
      daily.moveInFlight(reserve);
      live.add(reservation);
      account.lastSeen = request.startedAt();
      return new BudgetDecision.Granted(reservation, standing);
    }
  }

  /** The least a request's input can cost: every input token at the model's cheapest input price (a cache read). */
  public long minimumInputMicros(Provider provider, String model, long inputTokens) {
    Usage cheapest = provider == Provider.ANTHROPIC ? Usage.anthropic(0, 0, 0, inputTokens, 0) : Usage.openAi(inputTokens, inputTokens, 0, 0, 0);
    return prices.table().price(provider, model, cheapest).costMicros();
  }

  /** A request's input at the model's base input price (no cache). */
  private long baseInputMicros(Provider provider, String model, long inputTokens) {
    Usage base = provider == Provider.ANTHROPIC ? Usage.anthropic(inputTokens, 0, 0, 0, 0) : Usage.openAi(inputTokens, 0, 0, 0, 0);
    return prices.table().price(provider, model, base).costMicros();
  }

  /** The most a request's input can cost: every input token at the model's dearest input price (a long cache write). */
  public long maximumInputMicros(Provider provider, String model, long inputTokens) {
    Usage dearest = provider == Provider.ANTHROPIC ? Usage.anthropic(0, 0, inputTokens, 0, 0) : Usage.openAi(inputTokens, 0, inputTokens, 0, 0);
    return prices.table().price(provider, model, dearest).costMicros();
  }

  /** Whether hard enforcement applies now (hard mode, and not warn-only). */
  public boolean hardCaps() {
    return enforcement.hard() && budgets.blockOnLimit();
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
    return (remaining > 0 || team != null) && remaining < maximumInputMicros(provider, model, inputTokensAtMost);
  }

  /** What is left of a session's cap and of the day's, whichever is smaller (an unseen session has its whole cap). */
  public long remainingMicros(String sessionId) {
    long sessionLeft = standing(sessionId).remainingMicros();
    SessionAccount account = team == null ? null : accounts.get(sessionId);
    if (account != null) {
      // team mode: at most what this instance holds unused plus what was left beyond every lease at the database's last
      // answer (the other instances' settled spend may not be in this instance's books yet)
      synchronized (account) {
        if (account.leftMicros > 0 || account.leaseMicros > 0 || account.exhausted) {
          sessionLeft = Math.min(sessionLeft, Math.max(0, account.leaseMicros - account.inFlightMicros) + account.leftMicros);
        }
      }
    }
    long left = sessionLeft;
    Optional<Long> dailyCap = dailyCapMicros();
    return dailyCap.map(cap -> Math.min(left, Math.max(0, cap - daily.committed(currentDay())))).orElse(left);
  }

  /** Where a session stands now (an unseen session: nothing spent, the default cap); does not create it. */
  public Standing standing(String sessionId) {
    BudgetSettings b = budgets;
    SessionAccount account = accounts.get(sessionId);
    long dailySpent = daily.committed(currentDay());
    if (account == null) {
      return new Standing(sessionId, 0, defaultCapMicros(), warning(b, 0, defaultCapMicros(), dailySpent));
    }
    synchronized (account) {
      long cap = account.capOr(defaultCapMicros());
      return new Standing(sessionId, account.committedMicros(), cap, warning(b, account.committedMicros(), cap, dailySpent));
    }
  }

  static String capMessage(String session, long spent, long cap) {
    return "abg: session '" + session + "' reached its cap: " + Money.format(spent, 2) + " of " + Money.format(cap, 2)
        + ". Raise it: abg raise " + session + " " + raiseSuggestion(cap);
  }

  static String cannotAffordMessage(String session, long spent, long cap, long minimum) {
    return "abg: session '" + session + "' is at its cap: " + Money.format(spent, 2) + " of " + Money.format(cap, 2)
        + ", and this request's input alone costs at least " + Money.format(minimum, 4) + ". Raise it: abg raise " + session + " "
        + raiseSuggestion(cap);
  }

  private static String dailyMessage(long dailySpent, long dailyCap) {
    return "abg: the daily budget is reached: " + Money.format(dailySpent, 2) + " of " + Money.format(dailyCap, 2)
        + " across all sessions today. Raise daily_budget_usd in agentbillguard.yaml or with PUT /abg/budgets.";
  }

  private static long raiseSuggestion(long cap) {
    return Math.max(1, Math.round(cap * 0.4 / Money.MICROS_PER_USD));
  }

  /** Records a blocked request in the ledger (cost 0) and logs the decision. */
  public CompletionStage<LedgerRow> recordBlock(Admission request, BudgetDecision.Denied denied) {
    SessionAccount account = account(request.sessionId(), request.startedAt());
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    LedgerRow row;
    synchronized (account) {
      account.requests++;
      account.lastSeen = request.startedAt();
      row = new LedgerRow(0, request.startedAt(), request.startedAt(), day(request.startedAt()), account.id, request.agentId(),
          request.client(), request.provider(), request.endpoint(), request.model(), null, false, Usage.NONE, 0, account.settledMicros,
          LedgerRow.Action.BLOCK, LedgerRow.UsageSource.REPORTED, prices.table().version(), null, null);
      writer.submit(new LedgerOp.InsertRequest(row, done));
    }
    metrics.recorded(row);
    metrics.blocked(denied.reason());
    DECISIONS.infof("BLOCKED session=%s model=%s | %s", account.id, request.model(), denied.message());
    return done;
  }

  /**
   * Updates what an in-flight request counts for, from the usage its stream has shown so far. In hard enforcement, when
   * the session's settled plus in-flight spend reaches its cap (or the day's reaches the daily cap), every request in
   * flight that would pass it is asked to stop: see {@link Reservation#onCutOff}.
   */
  public void meter(Reservation reservation, String model, Usage usageSoFar) {
    if (reservation.isSettled()) {
      return;
    }
    long consumed = prices.table().price(reservation.admission.provider(), model, usageSoFar).costMicros();
    SessionAccount account = reservation.account;
    List<Reservation> cut = List.of();
    String message = null;
    long growBy = 0;
    synchronized (account) {
      if (reservation.isSettled()) {
        return;
      }
      // never below what was reserved at admission: the reservation is the least the input costs
      long now = Math.max(consumed, reservation.liveMicros);
      long delta = now - reservation.liveMicros;
      reservation.liveMicros = now;
      account.inFlightMicros += delta;
      daily.moveInFlight(delta);
      if (hardCaps() && delta > 0 && team != null) {
        if (leaseUsedUp(account)) {
          message = exhaustedMessage(account);
          cut = new ArrayList<>(account.live);
        } else if (!account.growing && account.inFlightMicros + lowWater(account) > account.leaseMicros) {
          growBy = Math.max(1, account.inFlightMicros - account.leaseMicros);
          account.growing = true;
        }
      } else if (hardCaps() && delta > 0) {
        long cap = account.capOr(defaultCapMicros());
        Optional<Long> dailyCap = dailyCapMicros();
        long dailySpent = daily.committed(currentDay());
        if (account.committedMicros() >= cap) {
          message = capMessage(account.id, account.committedMicros(), cap);
          cut = new ArrayList<>(account.live);
        } else if (dailyCap.isPresent() && dailySpent >= dailyCap.get()) {
          message = dailyMessage(dailySpent, dailyCap.get());
          cut = new ArrayList<>(live);
        }
      }
    }
    for (Reservation r : cut) {
      r.requestCutOff(message);
    }
    if (growBy > 0) {
      grow(account, growBy);
    }
  }

  // ---------------------------------------------------------------- team mode's leases

  /** Team mode: asks the database for more of the session's cap while its streams grow; cuts them off when none is left. */
  private void grow(SessionAccount account, long need) {
    long readAt = changeClock.get();
    team.take(account.id, clock.instant(), currentDay(), need, MIN_HEADROOM_MICROS, MAX_HEADROOM_MICROS, defaultCapMicros(), dailyCapMicros())
        .whenComplete((grant, failure) -> {
      List<Reservation> cut = List.of();
      String message = null;
      long again = 0;
      synchronized (account) {
        account.growing = false;
        if (failure != null) {
          // the database did not answer: hold the streams to what is leased already (a hard cap fails closed)
          DECISIONS.warnf("TEAM session=%s could not extend its lease: %s", account.id, failure.getMessage());
          account.exhausted = true;
        } else {
          applyGrant(account, grant, readAt);
        }
        if (account.live.isEmpty()) {
          returnIdleLease(account);
        } else if (leaseUsedUp(account)) {
          message = exhaustedMessage(account);
          cut = new ArrayList<>(account.live);
        } else if (!account.exhausted && account.inFlightMicros + lowWater(account) > account.leaseMicros) {
          // the streams went on growing while the lease was asked for: ask again
          again = Math.max(1, account.inFlightMicros - account.leaseMicros);
          account.growing = true;
        }
      }
      for (Reservation r : cut) {
        r.requestCutOff(message);
      }
      if (again > 0) {
        grow(account, again);
      }
    });
  }

  /** Team mode: the session and the day as the database has them, and the lease it granted. Under the account's lock. */
  private void applyGrant(SessionAccount account, TeamLeases.Grant grant, long readAt) {
    account.leaseMicros += grant.grantedMicros();
    account.exhausted = grant.exhausted();
    account.leftMicros = grant.leftMicros();
    account.headroomMicros = Math.max(account.headroomMicros / 2, grant.grantedMicros() - grant.neededMicros());
    account.dayLimited = grant.dayLimited();
    account.dayCommittedMicros = grant.daySpentMicros() + grant.dayLeasedMicros();
    if (!account.changedSince(readAt)) {
      account.capMicros = grant.ownCap() ? grant.capMicros() : null;
      account.label = grant.label();
      account.closed = grant.closed();
      account.settledMicros = grant.spentMicros();
    }
    account.othersMicros = Math.max(0, grant.leasedMicros() - grant.mineMicros());
    account.requests = Math.max(account.requests, grant.requests());
  }

  /**
   * Team mode: the streams have reached the end of the lease, and nothing more is to be had — or, in the session's last
   * $0.05, no more that is sure to be there when the database answers: near the cap the lease is the boundary, as waiting
   * would let the streams run past it. Under the account's lock.
   */
  private static boolean leaseUsedUp(SessionAccount account) {
    return account.inFlightMicros >= account.leaseMicros && (account.exhausted || account.leftMicros < MAX_HEADROOM_MICROS);
  }

  /**
   * Team mode: how close to the end of its lease this instance's streams may come before it asks for more — half the
   * headroom it was last given (at least the least headroom), so that the answer usually comes before they get there.
   */
  private static long lowWater(SessionAccount account) {
    return Math.max(MIN_HEADROOM_MICROS, account.headroomMicros / 2);
  }

  /** Team mode: a session with no request in flight here gives its lease back. Under the account's lock. */
  private void returnIdleLease(SessionAccount account) {
    if (account.live.isEmpty() && !account.growing && account.admitting == 0 && account.leaseMicros > 0) {
      writer.submit(new LedgerOp.ReturnLease(account.id, account.leaseMicros, new CompletableFuture<>()));
      account.leaseMicros = 0;
    }
  }

  private String exhaustedMessage(SessionAccount account) {
    if (account.dayLimited) {
      return dailyMessage(account.dayCommittedMicros, dailyCapMicros().orElse(0L));
    }
    return capMessage(account.id, account.committedMicros(), account.capOr(defaultCapMicros()));
  }

  /** Team mode: this instance was taken for dead and its leases returned; it starts again with none. */
  private void leasesLost() {
    for (SessionAccount a : accounts.values()) {
      synchronized (a) {
        a.leaseMicros = 0;
        a.exhausted = false;
      }
    }
  }

  /** Team mode, every heartbeat: the sessions and the budget defaults as the other instances left them. */
  private void refreshFromTeam() {
    readStored();
    store.setting(BudgetsCodec.KEY).flatMap(stored -> BudgetsCodec.effective(stored, configBudgets)).ifPresent(stored -> {
      if (!BudgetsCodec.same(stored, budgets)) {
        budgets = stored;
        DECISIONS.infof("ADMIN budgets changed on another instance: session=%s daily=%s", Money.format(Money.micros(stored.sessionBudgetUsd()), 2),
            stored.dailyBudgetUsd().map(d -> Money.format(Money.micros(d), 2)).orElse("none"));
      }
    });
  }

  /** Team mode: every session as the database has it now. */
  private void readStored() {
    long readAt = changeClock.get();
    store.sessions().forEach(s -> applyStored(s, readAt));
  }

  /** Team mode: one session as the database has it now (another instance may just have changed it). */
  private void readStored(String id) {
    long readAt = changeClock.get();
    store.session(id).ifPresent(s -> applyStored(s, readAt));
  }

  /**
   * A session as stored: at start, and in team mode as the other instances left it — but not what this instance changed
   * after the read began ({@code readAt}, of the change clock): the read is older than that change.
   */
  private void applyStored(LedgerStore.StoredSession s, long readAt) {
    SessionAccount a = accounts.get(s.id());
    if (a == null) {
      SessionAccount fresh = new SessionAccount(s.id(), s.firstSeen());
      a = accounts.putIfAbsent(s.id(), fresh);
      if (a == null) {
        a = fresh;
        metrics.session(s.id());
      }
    }
    synchronized (a) {
      if (!a.changedSince(readAt)) {
        a.capMicros = s.capMicros();
        a.label = s.label();
        a.closed = s.closed();
        a.settledMicros = s.spentMicros();
      }
      a.othersMicros = Math.max(0, s.leasedMicros() - a.leaseMicros);
      a.requests = Math.max(a.requests, s.requests());
      a.firstSeen = s.firstSeen().isBefore(a.firstSeen) ? s.firstSeen() : a.firstSeen;
      a.lastSeen = s.lastSeen().isAfter(a.lastSeen) ? s.lastSeen() : a.lastSeen;
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
    Priced priced = prices.table().price(a.provider(), model, outcome.usage());
    SessionAccount account = reservation.account;
    BudgetSettings b = budgets;
    LocalDate day = day(outcome.endedAt());
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    LedgerRow row;
    String warning;
    synchronized (account) {
      account.inFlightMicros -= reservation.liveMicros;
      account.live.remove(reservation);
      live.remove(reservation);
      daily.settle(day, reservation.liveMicros, priced.costMicros());
      RunawayBreaker.settled(account, outcome.endedAt().toEpochMilli(), priced.costMicros(), a.bodyFingerprint(), outcome.upstreamStatus());
      reservation.liveMicros = 0;
      account.settledMicros += priced.costMicros();
      account.requests++;
      account.lastSeen = outcome.endedAt();
      long cap = account.capOr(defaultCapMicros());
      warning = warning(b, account.committedMicros(), cap, daily.committed(day));
      LedgerRow.Action action = outcome.cutOff() ? LedgerRow.Action.CUTOFF : warning != null ? LedgerRow.Action.WARN : LedgerRow.Action.ALLOW;
      row = new LedgerRow(0, a.startedAt(), outcome.endedAt(), day, account.id, a.agentId(), a.client(), a.provider(), a.endpoint(), model,
          priced.pricedAs(), priced.fallback(), outcome.usage(), priced.costMicros(), account.settledMicros, action, outcome.usageSource(),
          priced.priceVersion(), outcome.upstreamStatus(), outcome.requestId());
      // team mode: the cost comes off this instance's lease (it becomes spend in the same transaction as the row); the
      // rest of the lease goes back when no request of the session is in flight here
      long leaseBack = Math.min(account.leaseMicros, priced.costMicros());
      account.leaseMicros -= leaseBack;
      if (team != null && account.live.isEmpty() && !account.growing && account.admitting == 0) {
        leaseBack += account.leaseMicros;
        account.leaseMicros = 0;
      }
      writer.submit(new LedgerOp.InsertRequest(row, leaseBack, done));
    }
    metrics.recorded(row);
    logSettled(row, warning);
    return done.thenApply(Optional::of);
  }

  private void logSettled(LedgerRow row, String warning) {
    String verb = switch (row.action()) {
      case CUTOFF -> "CUTOFF";
      case WARN -> "WARN";
      default -> "ALLOW";
    };
    String estimated = row.usageSource() == LedgerRow.UsageSource.ESTIMATED ? " (estimated)" : "";
    String suffix = warning != null ? " | " + warning : "";
    DECISIONS.infof("%s session=%s model=%s cost=%s%s session_total=%s%s", verb, row.sessionId(), row.model(), Money.format(row.costMicros(), 4),
        estimated, Money.format(row.sessionTotalMicros(), 2), suffix);
  }

  // ---------------------------------------------------------------- the admin API's side (blocking: call from a worker thread)

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
    if (team != null) {
      readStored(id);
    }
    synchronized (created) {
      if (accounts.putIfAbsent(id, created) != null) {
        throw exists(id);
      }
      writer.submit(new LedgerOp.CreateSession(id, label, capMicros, now, LedgerOp.SOURCE_API, done));
    }
    if (await(done) == 0) {
      // team mode: another instance created it meanwhile
      accounts.remove(id, created);
      readStored(id);
      throw exists(id);
    }
    metrics.session(id);
    return view(created);
  }

  private static SessionProblem exists(String id) {
    return new SessionProblem(SessionProblem.Kind.EXISTS, id, "session '" + id + "' already exists; change it with PATCH /abg/sessions/" + id);
  }

  /** Gives the session its own cap. */
  public SessionView setCap(String id, long capMicros) {
    return change(id, true, a -> {
      Long old = a.capMicros;
      a.capMicros = capMicros;
      return new Change(new LedgerOp.SessionChange.SetCap(capMicros), "cap_set",
          "{\"old_cap_micros\":" + old + ",\"cap_micros\":" + capMicros + "}");
    });
  }

  /** Raise-and-resume: adds to the session's current cap, so that the very next request of a blocked session passes. */
  public SessionView raise(String id, long raiseMicros) {
    return change(id, true, a -> {
      long old = a.capOr(defaultCapMicros());
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
        return view(a);
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
    synchronized (this) {
      BudgetSettings old = budgets;
      budgets = next;
      writer.submit(new LedgerOp.PutSetting(BudgetsCodec.KEY, BudgetsCodec.encode(next, configBudgets),
          "{\"source\":\"api\",\"old\":" + BudgetsCodec.values(old) + ",\"new\":" + BudgetsCodec.values(next) + "}",
          clock.instant(), done));
    }
    await(done);
    DECISIONS.infof("ADMIN budgets session=%s daily=%s warn_at=%s block_on_limit=%s", Money.format(Money.micros(next.sessionBudgetUsd()), 2),
        next.dailyBudgetUsd().map(d -> Money.format(Money.micros(d), 2)).orElse("none"), next.warnAt(), next.blockOnLimit());
    return next;
  }

  /**
   * The config file's budget keys were edited while running: they take effect now (the latest change wins over an
   * earlier API change), and the change is an audited event.
   */
  public void applyConfigBudgets(BudgetSettings fromFile) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    synchronized (this) {
      BudgetSettings old = budgets;
      configBudgets = fromFile;
      budgets = fromFile;
      writer.submit(new LedgerOp.AuditEvent(null, "budgets_changed",
          "{\"source\":\"config\",\"old\":" + BudgetsCodec.values(old) + ",\"new\":" + BudgetsCodec.values(fromFile) + "}", clock.instant(), done));
    }
  }

  /** Whether the budgets in force were set through the admin API (else they are the config file's). */
  public boolean budgetsFromApi() {
    return !BudgetsCodec.same(budgets, configBudgets);
  }

  private record Change(LedgerOp.SessionChange change, String kind, String detail) {
  }

  private SessionView change(String id, boolean refuseClosed, java.util.function.Function<SessionAccount, Change> mutation) {
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
      a.pendingChanges++;
      a.changedAt = changeClock.incrementAndGet();
      writer.submit(new LedgerOp.ChangeSession(id, c.change(), c.kind(), c.detail(), clock.instant(), done));
    }
    try {
      await(done);
    } finally {
      synchronized (a) {
        a.pendingChanges--;
        a.changedAt = changeClock.incrementAndGet();
      }
    }
    DECISIONS.infof("ADMIN session=%s %s", id, describe(a));
    return view(a);
  }

  private String describe(SessionAccount a) {
    synchronized (a) {
      return "cap=" + Money.format(a.capOr(defaultCapMicros()), 2) + " spent=" + Money.format(a.settledMicros, 2) + (a.closed ? " closed" : "");
    }
  }

  /** The account of a session, in team mode as the shared database has it now; null when there is no such session. */
  private SessionAccount fresh(String id) {
    if (team != null) {
      readStored(id);
    }
    return accounts.get(id);
  }

  private static long await(CompletableFuture<Long> done) {
    try {
      return done.get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the ledger did not record the change: " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the ledger did not record the change within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording the change", e);
    }
  }

  // ---------------------------------------------------------------- reads

  /** A snapshot of one session (in team mode, as the shared database has it now); empty when it was never seen. */
  public Optional<SessionView> session(String id) {
    SessionAccount a = fresh(id);
    return a == null ? Optional.empty() : Optional.of(view(a));
  }

  /** The in-memory snapshot of one session (metrics: never waits for the database). */
  private Optional<SessionView> cachedSession(String id) {
    SessionAccount a = accounts.get(id);
    return a == null ? Optional.empty() : Optional.of(view(a));
  }

  /** Snapshots of every session, most recently seen first (in team mode, as the shared database has them now). */
  public List<SessionView> sessions() {
    if (team != null) {
      readStored();
    }
    List<SessionView> out = new ArrayList<>(accounts.size());
    for (SessionAccount a : accounts.values()) {
      out.add(view(a));
    }
    out.sort(Comparator.comparing(SessionView::lastSeen).reversed());
    return out;
  }

  public DayView today() {
    LocalDate day = currentDay();
    if (team != null) {
      long[] shared = team.day(day);
      return new DayView(day, shared[0], shared[0] + shared[1], dailyCapMicros());
    }
    return new DayView(day, daily.settled(day), daily.committed(day), dailyCapMicros());
  }

  public BudgetSettings budgets() {
    return budgets;
  }

  public String priceVersion() {
    return prices.table().version();
  }

  private SessionView view(SessionAccount a) {
    BudgetSettings b = budgets;
    synchronized (a) {
      long cap = a.capOr(defaultCapMicros());
      long spent = a.settledMicros;
      String state;
      if (a.closed || (b.blockOnLimit() && a.committedMicros() >= cap)) {
        state = "blocked";
      } else if (a.committedMicros() >= warnThreshold(b, cap)) {
        state = "warn";
      } else {
        state = "active";
      }
      return new SessionView(a.id, a.label, cap, a.capMicros == null, spent, a.inFlightMicros + a.othersMicros, a.live.size(), state, a.requests, a.closed,
          a.firstSeen, a.lastSeen);
    }
  }

  // ---------------------------------------------------------------- helpers

  private SessionAccount account(String id, Instant seen) {
    SessionAccount existing = accounts.get(id);
    if (existing != null) {
      return existing;
    }
    boolean[] created = new boolean[1];
    SessionAccount account = accounts.computeIfAbsent(id, key -> {
      created[0] = true;
      if (team == null) {
        // (team mode: the first lease taken creates the session row and its event, in the shared database)
        writer.submit(new LedgerOp.CreateSession(key, null, null, seen, new CompletableFuture<>()));
      }
      return new SessionAccount(key, seen);
    });
    if (created[0]) {
      metrics.session(id);
    }
    return account;
  }

  private String warning(BudgetSettings b, long spent, long cap, long dailySpent) {
    StringBuilder w = new StringBuilder();
    if (spent >= warnThreshold(b, cap)) {
      w.append("session=").append(Money.format(spent, 2)).append('/').append(Money.format(cap, 2).substring(1));
    }
    Optional<Long> dailyCap = dailyCapMicros();
    if (dailyCap.isPresent() && dailySpent >= warnThreshold(b, dailyCap.get())) {
      w.append(w.length() > 0 ? " " : "").append("daily=").append(Money.format(dailySpent, 2)).append('/')
          .append(Money.format(dailyCap.get(), 2).substring(1));
    }
    return w.length() == 0 ? null : "Budget warning: " + w;
  }

  private static long warnThreshold(BudgetSettings b, long cap) {
    return b.warnAt().multiply(java.math.BigDecimal.valueOf(cap)).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  private long defaultCapMicros() {
    return Money.micros(budgets.sessionBudgetUsd());
  }

  private Optional<Long> dailyCapMicros() {
    return budgets.dailyBudgetUsd().map(Money::micros);
  }

  private LocalDate currentDay() {
    return LocalDate.now(clock.withZone(config.timezone()));
  }

  private LocalDate day(Instant at) {
    return at.atZone(config.timezone()).toLocalDate();
  }

  /** Stops before the datasources do: the writer drains its queue, and in team mode the leases go back at once. */
  void onShutdown(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
    close();
  }

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  @PreDestroy
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.close();
    if (team != null) {
      team.close();
    }
    jsonl.ifPresent(j -> {
      try {
        j.close();
      } catch (java.io.IOException ignored) {
        // closing at shutdown: the lines are already written
      }
    });
  }
}
