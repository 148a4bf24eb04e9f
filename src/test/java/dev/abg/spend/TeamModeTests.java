package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.RequiresPostgres;
import dev.abg.spend.ledger.TeamLeases;
import dev.abg.spend.ledger.LedgerRow;

/**
 * Two instances (two SpendServices, each with its writer, leases and heartbeat) on one PostgreSQL schema: a session's
 * cap and the day's budget hold across them, an admin change on one is seen by the next request on the other, and a
 * dead instance's leases stop counting.
 */
@RequiresPostgres
class TeamModeTests {

  private static final String SONNET = "claude-sonnet-4-6";

  @TempDir
  Path dir;
  private LedgerFixture a;
  private LedgerFixture b;

  @AfterEach
  void close() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.dispose();
    }
  }

  private void start(String... keyValues) {
    a = LedgerFixture.postgres(dir);
    for (int i = 0; i < keyValues.length; i += 2) {
      a.with(keyValues[i], keyValues[i + 1]);
    }
    a.start();
    b = a.sibling();
    b.start();
  }

  /** A request whose input alone costs at least 3,000 µ$ (10,000 tokens at Sonnet's cache-read price). */
  private static Admission admission(String session, long fingerprint) {
    return new Admission(session, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", SONNET, Instant.now(), 10_000, false, fingerprint);
  }

  private static void settle(SpendService spend, Reservation r, long outputTokens) {
    spend.settle(r, new Outcome(SONNET, Usage.anthropic(0, 0, 0, 10_000, outputTokens), UsageSource.REPORTED, 200, null, false,
        Instant.now())).toCompletableFuture().join();
  }

  @Test
  void shouldNeverAdmitMoreThanTheCapFromParallelRequestsOnTwoInstances() throws Exception {
    start("session_budget_usd", "0.03", "daily_budget_usd", "off", "loop_max_repeats", "off");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Callable<BudgetDecision>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      SpendService on = i % 2 == 0 ? a.spend : b.spend;
      int n = i;
      calls.add(() -> SpendServiceTests.decide(on, admission("shared", n)));
    }
    int granted = 0;
    for (Future<BudgetDecision> f : pool.invokeAll(calls)) {
      if (f.get() instanceof BudgetDecision.Granted) {
        granted++;
      }
    }
    pool.shutdown();
    // 30,000 µ$ of cap, 3,000 µ$ reserved by each admitted request: never more than 10, whichever instance admitted them
    assertTrue(granted <= 10, granted + " requests admitted");
    assertTrue(granted >= 6, "headroom held by the other instance refuses a few at most, not most: " + granted);
    assertTrue(a.queryLong("SELECT spent_micros + leased_micros FROM sessions WHERE id = 'shared'") <= 30_000);
  }

  @Test
  void shouldWriteEachRowWithTheSessionsTotalAcrossInstances() throws Exception {
    start("session_budget_usd", "1", "daily_budget_usd", "off");
    BudgetDecision.Granted onA = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(a.spend, admission("totals", 1)));
    BudgetDecision.Granted onB = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(b.spend, admission("totals", 2)));
    LedgerRow first = a.spend.settle(onA.reservation(), new Outcome(SONNET, Usage.anthropic(0, 0, 0, 10_000, 100), UsageSource.REPORTED,
        200, null, false, Instant.now())).toCompletableFuture().join().orElseThrow();
    LedgerRow second = b.spend.settle(onB.reservation(), new Outcome(SONNET, Usage.anthropic(0, 0, 0, 10_000, 200), UsageSource.REPORTED,
        200, null, false, Instant.now())).toCompletableFuture().join().orElseThrow();
    assertEquals(3_000 + 1_500, first.sessionTotalMicros());
    assertEquals(3_000 + 1_500 + 3_000 + 3_000, second.sessionTotalMicros(), "B's row counts A's, which B's books had not seen");
    assertEquals(10_500, a.queryLong("SELECT session_total_micros FROM requests WHERE id = " + second.id()));
    assertEquals(10_500, a.queryLong("SELECT spent_micros FROM sessions WHERE id = 'totals'"));
    assertEquals(10_500, a.queryLong("SELECT spent_micros FROM days"));
  }

  @Test
  void shouldSeeARaiseMadeOnOneInstanceAtTheNextRequestOnTheOther() {
    start("session_budget_usd", "0.01", "daily_budget_usd", "off");
    BudgetDecision.Granted first = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(a.spend, admission("raised", 1)));
    settle(a.spend, first.reservation(), 1_000);   // 3,000 + 15,000 µ$ > the 10,000 µ$ cap
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, SpendServiceTests.decide(b.spend, admission("raised", 2)));
    assertTrue(denied.message().contains("reached its cap: $0.02 of $0.01"), denied.message());
    a.spend.changes().raise("raised", 1_000_000);
    assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(b.spend, admission("raised", 3)), "no wait: B asks the database at admission");
    assertEquals(1_010_000, b.spend.session("raised").orElseThrow().capMicros());

    b.spend.changes().reset("raised");
    assertEquals(0, a.spend.session("raised").orElseThrow().spentMicros(), "a reset on B, read on A");
    a.spend.changes().close("raised");
    assertInstanceOf(BudgetDecision.Denied.class, SpendServiceTests.decide(b.spend, admission("raised", 4)), "closed on A, refused on B");
  }

  @Test
  void shouldNotLetAReadOlderThanAnAdminChangeUndoIt() throws Exception {
    start("session_budget_usd", "5");
    a.spend.changes().create("race", "old", null);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection holder = a.dataSource.getConnection()) {
      // another transaction holds the session's row: the change below waits in the writer, uncommitted
      holder.setAutoCommit(false);
      holder.createStatement().executeQuery("SELECT id FROM sessions WHERE id = 'race' FOR UPDATE").close();
      Future<SessionView> relabel = pool.submit(() -> a.spend.changes().setLabel("race", "new"));
      Future<SessionView> raise = pool.submit(() -> a.spend.changes().raise("race", 2_000_000));
      while (count(holder, "SELECT count(*) FROM pg_locks WHERE NOT granted") == 0) {
        Thread.sleep(10);
      }
      // a read of the database meanwhile (as the heartbeat's, or an admin GET) still sees the old row
      SessionView during = a.spend.session("race").orElseThrow();
      assertEquals("new", during.label(), "the pending change is not undone by a read older than it");
      holder.rollback();
      assertEquals("new", relabel.get(10, java.util.concurrent.TimeUnit.SECONDS).label());
      assertEquals(7_000_000, raise.get(10, java.util.concurrent.TimeUnit.SECONDS).capMicros());
    } finally {
      pool.shutdownNow();
    }
    SessionView after = a.spend.session("race").orElseThrow();
    assertEquals("new", after.label());
    assertEquals(7_000_000, after.capMicros());
    assertEquals("new", b.spend.session("race").orElseThrow().label(), "and the other instance reads the change");
  }

  private static long count(Connection c, String sql) throws java.sql.SQLException {
    try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void shouldCutOffTheStreamsThatWouldPassTheCapWhicheverInstanceTheyAreOn() throws Exception {
    start("session_budget_usd", "0.05", "daily_budget_usd", "off");
    BudgetDecision.Granted onA = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(a.spend, admission("cut", 1)));
    BudgetDecision.Granted onB = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(b.spend, admission("cut", 2)));
    List<String> cuts = new CopyOnWriteArrayList<>();
    onA.reservation().onCutOff(m -> cuts.add("a: " + m));
    onB.reservation().onCutOff(m -> cuts.add("b: " + m));
    // both streams grow in steps of 1,500 µ$ (100 output tokens) until their session's cap is used up
    long outA = 0;
    long outB = 0;
    for (int step = 0; step < 40 && cuts.size() < 2; step++) {
      // a stream that was cut off sends nothing more
      if (cuts.stream().noneMatch(c -> c.startsWith("a:"))) {
        outA += 100;
        a.spend.meter(onA.reservation(), SONNET, Usage.anthropic(0, 0, 0, 10_000, outA));
      }
      if (cuts.stream().noneMatch(c -> c.startsWith("b:"))) {
        outB += 100;
        b.spend.meter(onB.reservation(), SONNET, Usage.anthropic(0, 0, 0, 10_000, outB));
      }
      Thread.sleep(30);   // a stream's events come apart in time; the lease requests answer in between
    }
    for (int i = 0; i < 100 && cuts.size() < 2; i++) {
      Thread.sleep(20);
    }
    assertEquals(2, cuts.size(), "both streams cut off: " + cuts);
    assertTrue(cuts.get(0).contains("reached its cap"), cuts.get(0));
    // what the two streams consumed when they were cut: never more than the cap plus one step of each
    long consumed = 2 * 3_000 + (outA + outB) * 15;
    assertTrue(consumed <= 50_000 + 2 * 1_500, "consumed " + consumed + " µ$ of a 50,000 µ$ cap");
    settle(a.spend, onA.reservation(), outA);
    settle(b.spend, onB.reservation(), outB);
    assertEquals(consumed, a.queryLong("SELECT spent_micros FROM sessions WHERE id = 'cut'"));
    assertEquals(0, a.queryLong("SELECT leased_micros FROM sessions WHERE id = 'cut'"), "every lease back once nothing is in flight");
    assertEquals(0, a.queryLong("SELECT COALESCE(SUM(micros), 0) FROM leases WHERE session_id = 'cut'"));
  }

  @Test
  void shouldHoldStreamsToTheirLeaseWhenTheDatabaseStopsAnswering() throws Exception {
    start("session_budget_usd", "5", "daily_budget_usd", "off");
    BudgetDecision.Granted g = assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(a.spend, admission("dark", 1)));
    List<String> cuts = new CopyOnWriteArrayList<>();
    g.reservation().onCutOff(cuts::add);
    sql("ALTER FUNCTION abg_take_lease(TEXT, TEXT, TEXT, TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT) RENAME TO abg_take_lease_away");
    try {
      // the stream grows well past the lease taken at admission (need + at most $0.05 of headroom)
      for (long out = 100; out <= 6_000 && cuts.isEmpty(); out += 100) {
        a.spend.meter(g.reservation(), SONNET, Usage.anthropic(0, 0, 0, 10_000, out));
        Thread.sleep(10);
      }
      assertEquals(1, cuts.size(), "a hard cap fails closed: the stream stops at the end of its lease");
      java.util.concurrent.CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> SpendServiceTests.decide(b.spend, admission("dark", 2)));
      assertTrue(refused.getMessage().contains("the team ledger did not answer"), refused.getMessage());
    } finally {
      sql("ALTER FUNCTION abg_take_lease_away(TEXT, TEXT, TEXT, TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT) RENAME TO abg_take_lease");
    }
    settle(a.spend, g.reservation(), 1_000);
    assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(b.spend, admission("dark", 3)), "served again once it answers");
  }

  private void sql(String statement) throws Exception {
    try (Connection c = a.dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void shouldHoldTheDailyBudgetAcrossInstancesAndSessions() {
    start("session_budget_usd", "1", "daily_budget_usd", "0.02");
    int granted = 0;
    for (int i = 0; i < 10; i++) {
      SpendService on = i % 2 == 0 ? a.spend : b.spend;
      if (SpendServiceTests.decide(on, admission("day-" + i, i)) instanceof BudgetDecision.Granted) {
        granted++;
      }
    }
    assertTrue(granted <= 6 && granted >= 3, granted + " admitted at 3,000 µ$ each against a 20,000 µ$ day");
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, SpendServiceTests.decide(b.spend, admission("day-late", 99)));
    assertEquals(BudgetDecision.Reason.DAILY_CAP, denied.reason());
  }

  @Test
  void shouldStopCountingADeadInstancesLeasesWithinTheExpiry() throws Exception {
    start("session_budget_usd", "0.01", "daily_budget_usd", "off");
    assertInstanceOf(BudgetDecision.Granted.class, SpendServiceTests.decide(a.spend, admission("orphaned", 1)));   // creates the session
    a.spend.changes().reset("orphaned");
    // an instance that took the whole cap as its lease and then died (no heartbeat any more)
    try (Connection c = a.dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances (id) VALUES ('dead-host-1-x')")) {
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT granted FROM abg_take_lease('dead-host-1-x', 'orphaned', ?, ?, 1000000, 0, 0, 10000, NULL)")) {
        ps.setString(1, Instant.now().toString());
        ps.setString(2, java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        ps.executeQuery().close();
      }
    }
    long died = System.nanoTime();
    assertInstanceOf(BudgetDecision.Denied.class, SpendServiceTests.decide(b.spend, admission("orphaned", 2)), "the dead instance's lease counts at first");
    BudgetDecision later = null;
    while ((System.nanoTime() - died) / 1_000_000 < 15_000) {
      later = SpendServiceTests.decide(b.spend, admission("orphaned", 3));
      if (later instanceof BudgetDecision.Granted g) {
        settle(b.spend, g.reservation(), 0);
        break;
      }
      Thread.sleep(100);
    }
    long millis = (System.nanoTime() - died) / 1_000_000;
    assertInstanceOf(BudgetDecision.Granted.class, later, "the session serves again once the dead instance is reaped");
    // the expiry (5 s) after its last heartbeat, plus at most one heartbeat period of the reaping instance, plus slack
    assertTrue(millis <= TeamLeases.EXPIRY.toMillis() + TeamLeases.HEARTBEAT.toMillis() + 1_500, "reaped after " + millis + " ms");
    assertEquals(0, a.queryLong("SELECT COUNT(*) FROM instances WHERE id = 'dead-host-1-x'"));
  }
}
