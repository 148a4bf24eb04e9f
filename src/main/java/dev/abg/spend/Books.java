package dev.abg.spend;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import dev.abg.spend.ledger.StoredSession;

/**
 * The in-memory books: every session's account, the requests in flight across sessions, and the day's total. Admission
 * reads and changes them without waiting for the database; every change is queued to the ledger by whoever makes it,
 * under the account's monitor.
 */
final class Books {

  private final Map<String, SessionAccount> accounts = new ConcurrentHashMap<>();
  /** Every request in flight, across sessions: a daily cap cuts them all off. */
  private final Set<Reservation> live = ConcurrentHashMap.newKeySet();
  private final DailyTotal daily;
  private final Budgets budgets;
  /** Called once for each session these books see for the first time (or load again after it was evicted). */
  private final Consumer<String> newSession;
  /** Called for each session evicted from memory. */
  private final Consumer<String> evicted;
  /** A session as the ledger has it: one evicted from memory (or never loaded) is read from there when it is asked for. */
  private final java.util.function.Function<String, Optional<StoredSession>> loader;
  /**
   * Team mode: orders this instance's admin changes against its reads of the database, so that a read that began before a
   * change committed does not put the old cap, label or state back (see {@link SessionAccount#changedSince}).
   */
  private final AtomicLong changeClock = new AtomicLong();

  Books(Budgets budgets, DailyTotal daily, Consumer<String> newSession) {
    this(budgets, daily, newSession, id -> { }, id -> Optional.empty());
  }

  Books(Budgets budgets, DailyTotal daily, Consumer<String> newSession, Consumer<String> evicted,
        java.util.function.Function<String, Optional<StoredSession>> loader) {
    this.budgets = budgets;
    this.daily = daily;
    this.newSession = newSession;
    this.evicted = evicted;
    this.loader = loader;
  }

  /** The account of a session, loaded from the ledger when it is not in memory; null when the ledger has none either. */
  SessionAccount get(String id) {
    SessionAccount a = accounts.get(id);
    if (a != null) {
      return a;
    }
    Optional<StoredSession> stored = loader.apply(id);
    if (stored.isEmpty()) {
      return null;
    }
    applyStored(stored.get(), 0);
    return accounts.get(id);
  }

  /** Whether the session is in memory now (metrics: a scrape never reads the ledger). */
  boolean loaded(String id) {
    return accounts.containsKey(id);
  }

  /**
   * Evicts the sessions idle since before {@code idleSince}: nothing in flight, no lease, no admin change under way, and
   * their last write in the store (not only in the journal), so that loading one again reads what it had.
   *
   * @return how many left memory
   */
  int evictIdle(Instant idleSince, java.util.function.LongPredicate inStore) {
    int n = 0;
    for (SessionAccount a : accounts.values()) {
      boolean idle;
      synchronized (a) {
        idle = a.live.isEmpty() && a.leaseMicros() == 0 && (a.lease == null || a.lease.admitting == 0 && !a.lease.growing) && a.pendingChanges == 0
            && a.lastSeen.isBefore(idleSince) && inStore.test(a.lastWriteSeq);
        if (idle) {
          accounts.remove(a.id, a);
        }
      }
      if (idle) {
        evicted.accept(a.id);
        n++;
      }
    }
    return n;
  }

  Collection<SessionAccount> all() {
    return accounts.values();
  }

  int size() {
    return accounts.size();
  }

  Set<Reservation> live() {
    return live;
  }

  DailyTotal daily() {
    return daily;
  }

  /** The account of a session, made on first sight; {@code created} runs once, for the account just made. */
  SessionAccount account(String id, Instant seen, Consumer<SessionAccount> created) {
    SessionAccount existing = get(id);
    if (existing != null) {
      return existing;
    }
    boolean[] made = new boolean[1];
    SessionAccount account = accounts.computeIfAbsent(id, key -> {
      made[0] = true;
      SessionAccount fresh = new SessionAccount(key, seen);
      created.accept(fresh);
      return fresh;
    });
    if (made[0]) {
      newSession.accept(id);
    }
    return account;
  }

  /** Adds an account made elsewhere (the admin API's create); false when the session exists already. */
  boolean add(SessionAccount account) {
    return accounts.putIfAbsent(account.id, account) == null;
  }

  void added(String id) {
    newSession.accept(id);
  }

  void remove(SessionAccount account) {
    accounts.remove(account.id, account);
  }

  /** The change clock now: a read of the database that begins now is older than any change that begins later. */
  long readClock() {
    return changeClock.get();
  }

  /** Marks a change of {@code account} as begun or ended now. Under the account's lock. */
  void changing(SessionAccount account, int pendingDelta) {
    account.pendingChanges += pendingDelta;
    account.changedAt = changeClock.incrementAndGet();
  }

  /**
   * A session as stored: at start, and in team mode as the other instances left it — but not what this instance changed
   * after the read began ({@code readAt}, of the change clock): the read is older than that change.
   */
  void applyStored(dev.abg.spend.ledger.StoredSession s, long readAt) {
    SessionAccount a = accounts.get(s.id());
    if (a == null) {
      SessionAccount fresh = new SessionAccount(s.id(), s.firstSeen());
      a = accounts.putIfAbsent(s.id(), fresh);
      if (a == null) {
        a = fresh;
        newSession.accept(s.id());
      }
    }
    synchronized (a) {
      if (!a.changedSince(readAt)) {
        a.capMicros = s.capMicros();
        a.label = s.label();
        a.closed = s.closed();
        a.settledMicros = s.spentMicros();
      }
      a.othersMicros = Math.max(0, s.leasedMicros() - a.leaseMicros());
      a.requests = Math.max(a.requests, s.requests());
      a.firstSeen = s.firstSeen().isBefore(a.firstSeen) ? s.firstSeen() : a.firstSeen;
      a.lastSeen = s.lastSeen().isAfter(a.lastSeen) ? s.lastSeen() : a.lastSeen;
    }
  }

  /**
   * At start: the request rows still in the writer's journal (the store did not take them before the last exit), which
   * the store's totals lack: counted here, so that a restart never gives spend back.
   */
  void applyJournaled(java.util.List<dev.abg.spend.ledger.LedgerRow> rows) {
    for (dev.abg.spend.ledger.LedgerRow row : rows) {
      SessionAccount a = account(row.sessionId(), row.startedAt(), created -> { });
      synchronized (a) {
        a.settledMicros += row.costMicros();
        a.requests++;
        a.lastSeen = row.endedAt().isAfter(a.lastSeen) ? row.endedAt() : a.lastSeen;
      }
      daily.settle(row.day(), 0, row.costMicros());
    }
  }

  /** A snapshot of one session. */
  SessionView view(SessionAccount a) {
    synchronized (a) {
      long cap = a.capOr(budgets.defaultCapMicros());
      SessionState state = budgets.state(a.committedMicros(), cap, a.closed);
      return new SessionView(a.id, a.label, cap, a.capMicros == null, a.settledMicros, a.inFlightMicros + a.othersMicros, a.live.size(), state,
          a.requests, a.closed, a.firstSeen, a.lastSeen);
    }
  }

  /** A snapshot of a session that is not in memory, as the ledger has it (nothing of it in flight here). */
  SessionView storedView(StoredSession s) {
    long cap = s.capMicros() != null ? s.capMicros() : budgets.defaultCapMicros();
    SessionState state = budgets.state(s.spentMicros() + s.leasedMicros(), cap, s.closed());
    return new SessionView(s.id(), s.label(), cap, s.capMicros() == null, s.spentMicros(), s.leasedMicros(), 0, state, s.requests(), s.closed(),
        s.firstSeen(), s.lastSeen());
  }

  /** The in-memory snapshot of one session (metrics: never waits for the database). */
  Optional<SessionView> cached(String id) {
    SessionAccount a = accounts.get(id);
    return a == null ? Optional.empty() : Optional.of(view(a));
  }

  /** Where a session stands now (an unseen session: nothing spent, the default cap); loads an evicted one, creates none. */
  Standing standing(String sessionId) {
    SessionAccount account = get(sessionId);
    long dailySpent = daily.committed(budgets.today());
    long defaultCap = budgets.defaultCapMicros();
    if (account == null) {
      return new Standing(sessionId, 0, defaultCap, budgets.warning(0, defaultCap, dailySpent));
    }
    synchronized (account) {
      long cap = account.capOr(defaultCap);
      return new Standing(sessionId, account.committedMicros(), cap, budgets.warning(account.committedMicros(), cap, dailySpent));
    }
  }
}
