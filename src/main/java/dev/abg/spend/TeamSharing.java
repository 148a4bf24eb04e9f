package dev.abg.spend;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.abg.spend.ledger.LedgerOp;
import dev.abg.spend.ledger.LedgerStore;
import dev.abg.spend.ledger.LedgerWriter;
import dev.abg.spend.ledger.TeamLeases;

/**
 * Team mode (PostgreSQL, several instances): what this instance's requests of a session may consume is bounded by the
 * lease it holds on that session, taken from the shared database with {@link TeamLeases}. Admission asks the database
 * (it sees the cap, the spend and the state the other instances left), metering asks for more lease as a stream grows,
 * and a stream is cut off when no more can be had. docs/team-mode.md.
 */
final class TeamSharing implements Sharing {

  /**
   * The least and the most lease taken beyond what the requests need now, as headroom for their streams (the database
   * gives an eighth of what is left, within these bounds); more is asked for when the streams come within the least of
   * the lease's end.
   */
  static final long MIN_HEADROOM_MICROS = 2_000;
  static final long MAX_HEADROOM_MICROS = 50_000;

  private final TeamLeases leases;
  private final LedgerStore store;
  private final Books books;
  private final Budgets budgets;
  private final LedgerWriter writer;
  private final Clock clock;

  TeamSharing(TeamLeases leases, LedgerStore store, Books books, Budgets budgets, LedgerWriter writer, Clock clock) {
    this.leases = leases;
    this.store = store;
    this.books = books;
    this.budgets = budgets;
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public String instanceId() {
    return leases.instanceId();
  }

  @Override
  public void start() {
    leases.start(this::refreshFromTeam, this::fence, this::leasesLost);
    SpendService.DECISIONS.infof("team mode: instance %s shares sessions and budgets through PostgreSQL", leases.instanceId());
  }

  private static Lease lease(SessionAccount account) {
    if (account.lease == null) {
      account.lease = new Lease();
    }
    return account.lease;
  }

  /**
   * Always asks the database, which knows what the other instances did to the session (a raise, a reset, a close, their
   * spend); with a hard cap, takes the lease this request needs plus headroom for its stream.
   */
  @Override
  public CompletionStage<TeamLeases.Grant> beforeDecision(SessionAccount account, Admission request, long minimumMicros, long reserveMicros) {
    if (leases.lapsed()) {
      // fenced: the leases this instance holds may be the other instances' by now; nothing is admitted until it is back
      return CompletableFuture.failedFuture(new IllegalStateException("this instance has not reached the team ledger for "
          + leases.sinceHeartbeat().toSeconds() + " s; it admits nothing until its heartbeat is back"));
    }
    synchronized (account) {
      Lease lease = lease(account);
      lease.admittingMicros += reserveMicros;
      lease.admitting++;
    }
    return take(account, request, minimumMicros, reserveMicros, 1);
  }

  /** Takes what the request needs; asks again (a few times) when requests admitted meanwhile used the lease. */
  private CompletionStage<TeamLeases.Grant> take(SessionAccount account, Admission request, long minimum, long reserve, int attempt) {
    long need;
    boolean hard = budgets.hardCaps();
    synchronized (account) {
      Lease lease = lease(account);
      // what this instance's requests of the session need: those in flight, and those being admitted (this one included)
      need = hard ? Math.max(0, account.inFlightMicros + lease.admittingMicros - lease.micros) : 0;
    }
    long readAt = books.readClock();
    return afterReturn(account).thenCompose(returned -> leases.take(account.id, request.startedAt(), budgets.today(), need,
        hard ? MIN_HEADROOM_MICROS : 0, hard ? MAX_HEADROOM_MICROS : 0, budgets.defaultCapMicros(), budgets.dailyCapMicros())).handle((grant, failure) -> {
      boolean retry;
      synchronized (account) {
        Lease lease = lease(account);
        if (failure == null) {
          applyGrant(account, grant, readAt);
        }
        retry = failure == null && hard && !grant.exhausted() && attempt < 3 && account.inFlightMicros + Math.max(1, minimum) > lease.micros;
        if (!retry) {
          lease.admittingMicros -= reserve;
          lease.admitting--;
        }
        if (failure != null) {
          returnIdleLease(account);
        }
      }
      if (failure != null) {
        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
      }
      return retry ? take(account, request, minimum, reserve, attempt + 1) : CompletableFuture.completedFuture(grant);
    }).thenCompose(stage -> stage);
  }

  /** Completes when the session's last lease return (if any) has committed, whether or not it succeeded. */
  private CompletionStage<Void> afterReturn(SessionAccount account) {
    CompletableFuture<Long> returning;
    synchronized (account) {
      returning = account.lease == null ? null : account.lease.returning;
    }
    return returning == null || returning.isDone() ? CompletableFuture.completedFuture(null) : returning.handle((id, failure) -> null);
  }

  /** This instance's lease must cover its requests in flight and this one's least. */
  @Override
  public BudgetDecision.Denied refuseOverLease(SessionAccount account, TeamLeases.Grant grant, long spentMicros, long capMicros, long minimumMicros,
                                               Standing standing) {
    if (spentMicros < capMicros && account.inFlightMicros + Math.max(1, minimumMicros) <= account.leaseMicros()) {
      return null;
    }
    if (grant.dayLimited()) {
      return new BudgetDecision.Denied(BudgetDecision.Reason.DAILY_CAP, budgets.dailyMessage(grant.daySpentMicros() + grant.dayLeasedMicros()), standing);
    }
    return new BudgetDecision.Denied(BudgetDecision.Reason.SESSION_CAP, spentMicros >= capMicros ? BlockMessages.cap(account.id, spentMicros, capMicros)
        : BlockMessages.cannotAfford(account.id, spentMicros, capMicros, minimumMicros), standing);
  }

  @Override
  public String fenced() {
    return leases.lapsed() ? BlockMessages.fenced(leases.sinceHeartbeat().toSeconds()) : null;
  }

  @Override
  public void refused(SessionAccount account) {
    returnIdleLease(account);
  }

  /**
   * At most what this instance holds unused plus what was left beyond every lease at the database's last answer (the
   * other instances' settled spend may not be in this instance's books yet).
   */
  @Override
  public long remaining(SessionAccount account, long sessionLeftMicros) {
    Lease lease = account.lease;
    if (lease == null || !lease.informed()) {
      return sessionLeftMicros;
    }
    return Math.min(sessionLeftMicros, Math.max(0, lease.micros - account.inFlightMicros) + lease.leftMicros);
  }

  @Override
  public boolean booksMayLag() {
    return true;
  }

  @Override
  public Metered metered(SessionAccount account) {
    Lease lease = lease(account);
    if (leaseUsedUp(account, lease)) {
      return Metered.cut(exhaustedMessage(account, lease), account.live);
    }
    if (!lease.growing && account.inFlightMicros + lowWater(lease) > lease.micros) {
      lease.growing = true;
      return Metered.grow(Math.max(1, account.inFlightMicros - lease.micros));
    }
    return Metered.NOTHING;
  }

  /** Asks the database for more of the session's cap while its streams grow; cuts them off when none is left. */
  @Override
  public void grow(SessionAccount account, long need) {
    long readAt = books.readClock();
    afterReturn(account).thenCompose(returned -> leases.take(account.id, clock.instant(), budgets.today(), need, MIN_HEADROOM_MICROS,
        MAX_HEADROOM_MICROS, budgets.defaultCapMicros(), budgets.dailyCapMicros())).whenComplete((grant, failure) -> {
      List<Reservation> cut = List.of();
      String message = null;
      long again = 0;
      synchronized (account) {
        Lease lease = lease(account);
        lease.growing = false;
        if (failure != null) {
          // the database did not answer: hold the streams to what is leased already (a hard cap fails closed)
          SpendService.DECISIONS.warnf("TEAM session=%s could not extend its lease: %s", account.id, failure.getMessage());
          lease.exhausted = true;
        } else {
          applyGrant(account, grant, readAt);
        }
        if (account.live.isEmpty()) {
          returnIdleLease(account);
        } else if (leaseUsedUp(account, lease)) {
          message = exhaustedMessage(account, lease);
          cut = new ArrayList<>(account.live);
        } else if (!lease.exhausted && account.inFlightMicros + lowWater(lease) > lease.micros) {
          // the streams went on growing while the lease was asked for: ask again
          again = Math.max(1, account.inFlightMicros - lease.micros);
          lease.growing = true;
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

  /**
   * The cost comes off this instance's lease (it becomes spend in the same transaction as the row); the rest of the lease
   * goes back when no request of the session is in flight here.
   */
  @Override
  public long settled(SessionAccount account, long costMicros) {
    Lease lease = lease(account);
    long back = Math.min(lease.micros, costMicros);
    lease.micros -= back;
    if (idle(account, lease)) {
      back += lease.micros;
      lease.micros = 0;
    }
    return back;
  }

  @Override
  public void refresh(String sessionId) {
    long readAt = books.readClock();
    store.session(sessionId).ifPresent(s -> books.applyStored(s, readAt));
  }

  @Override
  public void refreshAll() {
    long readAt = books.readClock();
    // the sessions active lately (here or on other instances), not every session ever seen: memory is bounded by activity
    store.recentSessions(clock.instant().minus(SpendService.IDLE_EVICTION), SpendService.START_LOAD_LIMIT).forEach(s -> books.applyStored(s, readAt));
  }

  @Override
  public DayView day(LocalDate day, DailyTotal daily, Optional<Long> capMicros) {
    long[] shared;
    try {
      shared = leases.day(day);
    } catch (IllegalStateException e) {
      // the database is away: this instance's own books (the status must still say what is wrong with the ledger)
      return new DayView(day, daily.settled(day), daily.committed(day), capMicros);
    }
    return new DayView(day, shared[0], shared[0] + shared[1], capMicros);
  }

  /** The first lease taken creates the session row and its event, in the shared database. */
  @Override
  public boolean writesFirstSight() {
    return false;
  }

  @Override
  public void close() {
    leases.close();
  }

  // ---------------------------------------------------------------- the lease's rules

  /** The session and the day as the database has them, and the lease it granted. Under the account's lock. */
  private void applyGrant(SessionAccount account, TeamLeases.Grant grant, long readAt) {
    Lease lease = lease(account);
    lease.micros += grant.grantedMicros();
    lease.exhausted = grant.exhausted();
    lease.leftMicros = grant.leftMicros();
    lease.headroomMicros = Math.max(lease.headroomMicros / 2, grant.grantedMicros() - grant.neededMicros());
    lease.dayLimited = grant.dayLimited();
    lease.dayCommittedMicros = grant.daySpentMicros() + grant.dayLeasedMicros();
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
   * The streams have reached the end of the lease, and nothing more is to be had — or, in the session's last $0.05, no
   * more that is sure to be there when the database answers: near the cap the lease is the boundary, as waiting would let
   * the streams run past it. Under the account's lock.
   */
  private static boolean leaseUsedUp(SessionAccount account, Lease lease) {
    return account.inFlightMicros >= lease.micros && (lease.exhausted || lease.leftMicros < MAX_HEADROOM_MICROS);
  }

  /**
   * How close to the end of its lease this instance's streams may come before it asks for more — half the headroom it
   * was last given (at least the least headroom), so that the answer usually comes before they get there.
   */
  private static long lowWater(Lease lease) {
    return Math.max(MIN_HEADROOM_MICROS, lease.headroomMicros / 2);
  }

  private static boolean idle(SessionAccount account, Lease lease) {
    return account.live.isEmpty() && !lease.growing && lease.admitting == 0;
  }

  /** A session with no request in flight here gives its lease back. Under the account's lock. */
  private void returnIdleLease(SessionAccount account) {
    Lease lease = lease(account);
    if (idle(account, lease) && lease.micros > 0) {
      CompletableFuture<Long> done = new CompletableFuture<>();
      account.lastWriteSeq = writer.submit(new LedgerOp.ReturnLease(account.id, lease.micros, done));
      lease.returning = done;
      lease.micros = 0;
    }
  }

  private String exhaustedMessage(SessionAccount account, Lease lease) {
    if (lease.dayLimited) {
      return budgets.dailyMessage(lease.dayCommittedMicros);
    }
    return BlockMessages.cap(account.id, account.committedMicros(), account.capOr(budgets.defaultCapMicros()));
  }

  /**
   * The heartbeat lapsed past the point where the other instances may reap this one: every stream in flight here stops
   * now, before this instance talks to the database again (its leases stay as they are: if they were not reaped, the
   * streams' settlements give them back).
   */
  private void fence() {
    List<Reservation> live = new ArrayList<>(books.live());
    SpendService.DECISIONS.warnf("TEAM instance %s: no heartbeat for %d s; stopping its %d stream(s) in flight before it reaches the team ledger again",
        leases.instanceId(), leases.sinceHeartbeat().toSeconds(), live.size());
    String message = BlockMessages.fenced(leases.sinceHeartbeat().toSeconds());
    for (Reservation r : live) {
      r.requestCutOff(message);
    }
  }

  /** This instance was taken for dead and its leases returned; it starts again with none. */
  private void leasesLost() {
    for (SessionAccount a : books.all()) {
      synchronized (a) {
        if (a.lease != null) {
          a.lease.micros = 0;
          a.lease.exhausted = false;
        }
      }
    }
  }

  /** Every heartbeat: the sessions and the budget defaults as the other instances left them. */
  private void refreshFromTeam() {
    refreshAll();
    store.setting(BudgetsCodec.KEY).flatMap(stored -> BudgetsCodec.effective(stored, budgets.fromConfig())).ifPresent(stored -> {
      if (!BudgetsCodec.same(stored, budgets.current())) {
        budgets.replace(stored);
        SpendService.DECISIONS.infof("ADMIN budgets changed on another instance: session=%s daily=%s", Money.format(Money.micros(stored.sessionBudgetUsd()), 2),
            stored.dailyBudgetUsd().map(d -> Money.format(Money.micros(d), 2)).orElse("none"));
      }
    });
  }
}
