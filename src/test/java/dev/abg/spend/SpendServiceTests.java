package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.abg.config.BudgetSettings;
import dev.abg.spend.ledger.LedgerRow;

class SpendServiceTests {

  static final String SONNET = "claude-sonnet-4-6";

  @TempDir
  Path dir;
  LedgerFixture fixture;

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.dispose();
    }
  }

  /** The store the tests run on: SQLite here, PostgreSQL in {@link SpendServicePostgresTests}. */
  LedgerFixture newFixture(Path dir) {
    return new LedgerFixture(dir);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static BudgetDecision decide(SpendService spend, Admission admission) {
    return spend.admit(admission).toCompletableFuture().join();
  }

  SpendService start(String... keyValues) {
    fixture = newFixture(dir);
    for (int i = 0; i < keyValues.length; i += 2) {
      fixture.with(keyValues[i], keyValues[i + 1]);
    }
    return fixture.start();
  }

  private static Admission admission(String session, String model) {
    return new Admission(session, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", model, Instant.now(), 0, false, 0);
  }

  private static LedgerRow spend(SpendService spend, String session, Usage usage) {
    BudgetDecision decision = decide(spend, admission(session, SONNET));
    BudgetDecision.Granted granted = assertInstanceOf(BudgetDecision.Granted.class, decision, "the request should be admitted");
    Outcome outcome = new Outcome(SONNET, usage, UsageSource.REPORTED, 200, "req_1", false, Instant.now());
    return spend.settle(granted.reservation(), outcome).toCompletableFuture().join().orElseThrow();
  }

  @Test
  void shouldRecordSettledRequestWithExactCost() throws Exception {
    SpendService spend = start();
    // claude-sonnet-4-6: 4821 in × $3 + 312 out × $15 = 14,463 + 4,680 = 19,143 µ$
    LedgerRow row = spend(spend, "s1", Usage.anthropic(4821, 0, 0, 0, 312));
    assertEquals(19_143, row.costMicros());
    assertEquals(LedgerRow.Action.ALLOW, row.action());
    assertEquals(19_143, fixture.queryLong("SELECT cost_micros FROM requests WHERE id = " + row.id()));
    assertEquals(19_143, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 's1'"));
    assertEquals("builtin-2026-12-04", fixture.queryString("SELECT price_version FROM requests WHERE id = " + row.id()));
  }

  @Test
  void shouldGiveEachRowTheIdItWasWrittenUnder() throws Exception {
    SpendService spend = start();
    // 100 × 3 + 10 × 15 = 450 µ$; 200 × 3 + 10 × 15 = 750 µ$
    LedgerRow first = spend(spend, "ids", Usage.anthropic(100, 0, 0, 0, 10));
    LedgerRow second = spend(spend, "ids", Usage.anthropic(200, 0, 0, 0, 10));
    assertTrue(second.id() > first.id(), first.id() + " then " + second.id());
    assertEquals(450, fixture.queryLong("SELECT cost_micros FROM requests WHERE id = " + first.id()));
    assertEquals(750, fixture.queryLong("SELECT cost_micros FROM requests WHERE id = " + second.id()));
    assertEquals(1_200, fixture.queryLong("SELECT session_total_micros FROM requests WHERE id = " + second.id()));
  }

  /** The indexes on the ledger's rows: each one is written with every request, so each must serve a query. */
  @Test
  void shouldIndexTheRequestRowsOnlyAsTheQueriesReadThem() throws Exception {
    start();
    assertEquals("requests_day,requests_fallback,requests_fallback_day,requests_session,requests_ts", fixture.queryString(requestIndexesSql()));
  }

  String requestIndexesSql() {
    return "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'"
        + " AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name)";
  }

  @Test
  void shouldPriceCacheWritesAndReadsToTheMicroDollar() {
    SpendService spend = start();
    // 120 in × 3 = 360; 30 × 3.75 (5m write) = 112.5; 10 × 6 (1h write) = 60; 1000 × 0.30 (read) = 300; 7 × 15 = 105
    // total 937.5 µ$ → 938 (half-up)
    LedgerRow row = spend(spend, "cache", Usage.anthropic(120, 30, 10, 1000, 7));
    assertEquals(938, row.costMicros());
    assertEquals(938, row.sessionTotalMicros());
  }

  @Test
  void shouldBlockOnceTheCapIsReachedWithAMessageThatSaysHowToRaiseIt() {
    SpendService spend = start("session_budget_usd", "0.02");
    spend(spend, "capped", Usage.anthropic(4821, 0, 0, 0, 312));   // 19,143 µ$: under the cap
    spend(spend, "capped", Usage.anthropic(1000, 0, 0, 0, 0));     // +3,000 µ$ = 22,143: crosses it (soft)
    BudgetDecision decision = decide(spend, admission("capped", SONNET));
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, decision);
    assertEquals(BudgetDecision.Reason.SESSION_CAP, denied.reason());
    assertEquals("abg: session 'capped' reached its cap: $0.02 of $0.02. Raise it: abg raise capped 1", denied.message());
    LedgerRow block = spend.recordBlock(admission("capped", SONNET), denied).toCompletableFuture().join();
    assertEquals(LedgerRow.Action.BLOCK, block.action());
    assertEquals(0, block.costMicros());
  }

  @Test
  void shouldNotBlockJustUnderTheCap() {
    SpendService spend = start("session_budget_usd", "0.019144");
    spend(spend, "under", Usage.anthropic(4821, 0, 0, 0, 312));   // 19,143 µ$: 1 µ$ under the cap
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("under", SONNET)));
  }

  @Test
  void shouldWarnPastWarnAtAndNeverBlockInWarnOnlyMode() {
    SpendService spend = start("session_budget_usd", "0.02", "warn_at", "0.5", "block_on_limit", "false");
    LedgerRow first = spend(spend, "warned", Usage.anthropic(4821, 0, 0, 0, 312));
    assertEquals(LedgerRow.Action.WARN, first.action());
    for (int i = 0; i < 3; i++) {
      spend(spend, "warned", Usage.anthropic(4821, 0, 0, 0, 312));
    }
    BudgetDecision decision = decide(spend, admission("warned", SONNET));
    assertInstanceOf(BudgetDecision.Granted.class, decision);
    assertEquals("Budget warning: session=$0.08/0.02", decision.standing().warning());
  }

  @Test
  void shouldBlockEverySessionOnceTheDailyCapIsReached() {
    SpendService spend = start("daily_budget_usd", "0.03");
    spend(spend, "a", Usage.anthropic(4821, 0, 0, 0, 312));
    spend(spend, "b", Usage.anthropic(4821, 0, 0, 0, 312));   // 38,286 µ$ today
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("c", SONNET)));
    assertEquals(BudgetDecision.Reason.DAILY_CAP, denied.reason());
    assertTrue(denied.message().contains("$0.04 of $0.03"), denied.message());
  }

  @Test
  void shouldKeepTotalsCapsAndResetsAcrossARestart() throws Exception {
    SpendService spend = start();
    spend(spend, "kept", Usage.anthropic(4821, 0, 0, 0, 312));
    spend.changes().setCap("kept", 7_500_000);
    spend(spend, "wiped", Usage.anthropic(4821, 0, 0, 0, 312));
    spend.changes().reset("wiped");
    spend = fixture.restart();
    SessionView kept = spend.session("kept").orElseThrow();
    assertEquals(19_143, kept.spentMicros());
    assertEquals(7_500_000, kept.capMicros());
    assertFalse(kept.capIsDefault());
    assertEquals(0, spend.session("wiped").orElseThrow().spentMicros());
    assertEquals(38_286, spend.today().settledMicros());
    assertEquals(2, fixture.queryLong("SELECT COUNT(*) FROM requests"));
    assertEquals(1, fixture.queryLong("SELECT COUNT(*) FROM events WHERE kind = 'reset' AND session_id = 'wiped'"));
  }

  @Test
  void shouldLetTheNextRequestOfABlockedSessionThroughAfterARaise() {
    SpendService spend = start("session_budget_usd", "0.01");
    spend(spend, "raised", Usage.anthropic(4821, 0, 0, 0, 312));
    assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("raised", SONNET)));
    SessionView after = spend.changes().raise("raised", 2_000_000);
    assertEquals(2_010_000, after.capMicros());
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("raised", SONNET)));
  }

  @Test
  void shouldSettleAReservationExactlyOnce() throws Exception {
    SpendService spend = start();
    BudgetDecision.Granted granted = (BudgetDecision.Granted) decide(spend, admission("once", SONNET));
    Outcome outcome = new Outcome(SONNET, Usage.anthropic(1000, 0, 0, 0, 0), UsageSource.REPORTED, 200, null, false, Instant.now());
    assertTrue(spend.settle(granted.reservation(), outcome).toCompletableFuture().join().isPresent());
    assertTrue(spend.settle(granted.reservation(), outcome).toCompletableFuture().join().isEmpty());
    assertEquals(1, fixture.queryLong("SELECT COUNT(*) FROM requests WHERE session_id = 'once'"));
    assertEquals(3_000, spend.session("once").orElseThrow().spentMicros());
    assertEquals(0, spend.session("once").orElseThrow().inFlightRequests());
  }

  @Test
  void shouldCountMeteredUsageOfRequestsInFlightAndReleaseItOnSettlement() {
    SpendService spend = start();
    BudgetDecision.Granted granted = (BudgetDecision.Granted) decide(spend, admission("live", SONNET));
    spend.meter(granted.reservation(), SONNET, Usage.anthropic(1000, 0, 0, 0, 0));
    assertEquals(3_000, spend.session("live").orElseThrow().inFlightMicros());
    Outcome outcome = new Outcome(SONNET, Usage.anthropic(1000, 0, 0, 0, 10), UsageSource.REPORTED, 200, null, false, Instant.now());
    spend.settle(granted.reservation(), outcome).toCompletableFuture().join();
    SessionView view = spend.session("live").orElseThrow();
    assertEquals(0, view.inFlightMicros());
    assertEquals(3_150, view.spentMicros());
  }

  @Test
  void shouldWriteTheJsonlLineOfEachCommittedRowWithTheSeedFieldsFirst() throws Exception {
    Path jsonl = dir.resolve("ledger.jsonl");
    SpendService spend = start("ledger_file", jsonl.toString());
    LedgerRow row = spend(spend, "jsonl", Usage.anthropic(4821, 0, 0, 0, 312));
    List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
    assertEquals(1, lines.size());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    List<String> names = new java.util.ArrayList<>();
    line.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("ts", "date", "session_id", "model", "input_tokens", "output_tokens", "cost_usd", "session_total_usd", "action", "provider",
        "endpoint", "client", "agent_id", "cache_creation_5m_tokens", "cache_creation_1h_tokens", "cache_read_tokens", "cached_input_tokens",
        "reasoning_tokens", "usage_source", "price_version", "upstream_status", "request_id"), names.subList(0, 22));
    assertEquals(new BigDecimal("0.019143"), line.get("cost_usd").decimalValue());
    assertEquals(row.id(), line.get("ledger_id").asLong());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jsonl)));
    if (Files.exists(dir.resolve("abg.db"))) {   // (team mode: the ledger is in PostgreSQL, no file)
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("abg.db"))));
    }
  }

  @Test
  void shouldCutATornLastJsonlLineAtStart() throws Exception {
    Path jsonl = dir.resolve("ledger.jsonl");
    Files.writeString(jsonl, "{\"ts\":\"a\"}\n{\"ts\":\"b\",\"sess");
    SpendService spend = start("ledger_file", jsonl.toString());
    spend(spend, "torn", Usage.anthropic(10, 0, 0, 0, 1));
    List<String> lines = Files.readAllLines(jsonl);
    assertEquals(2, lines.size());
    assertEquals("{\"ts\":\"a\"}", lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"ts\":"));
    new ObjectMapper().readTree(lines.get(1));
  }

  @Test
  void shouldKeepBudgetsSetThroughTheApiUntilTheConfigFileChanges() {
    SpendService spend = start();
    BudgetSettings api = new BudgetSettings(new BigDecimal("9"), Optional.of(new BigDecimal("50")), new BigDecimal("0.9"), true);
    spend.changes().putBudgets(api);
    spend = fixture.restart();
    assertEquals(0, spend.budgets().sessionBudgetUsd().compareTo(new BigDecimal("9")));
    assertTrue(spend.changes().budgetsFromApi());
    fixture.close();
    fixture.with("session_budget_usd", "6");
    spend = fixture.start();
    assertEquals(0, spend.budgets().sessionBudgetUsd().compareTo(new BigDecimal("6")), "an edit of the file after the API change wins");
  }

  @Test
  void shouldRefuseChangesToUnknownOrClosedSessions() {
    SpendService spend = start();
    SessionProblem unknown = assertThrows(SessionProblem.class, () -> spend.changes().raise("nobody", 1_000_000));
    assertEquals(SessionProblem.Kind.NOT_FOUND, unknown.kind());
    spend.changes().create("closing", "ci job", 3_000_000L);
    assertThrows(SessionProblem.class, () -> spend.changes().create("closing", null, null));
    spend.changes().close("closing");
    assertEquals(SessionProblem.Kind.CLOSED, assertThrows(SessionProblem.class, () -> spend.changes().raise("closing", 1)).kind());
    assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("closing", SONNET)));
    assertNull(spend.session("never").orElse(null));
  }

  static Admission admission(String session, long inputTokens, long fingerprint) {
    return new Admission(session, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", SONNET, Instant.now(), inputTokens, false, fingerprint);
  }

  @Test
  void shouldRefuseARequestWhoseInputAloneCannotFitInHardMode() {
    SpendService spend = start("session_budget_usd", "0.02");
    spend(spend, "tight", Usage.anthropic(4821, 0, 0, 0, 312));   // 19,143 µ$: 857 µ$ left
    // 10,000 input tokens cost at least 10,000 × $0.30 (cache read) = 3,000 µ$ > 857
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("tight", 10_000, 0)));
    assertEquals("abg: session 'tight' is at its cap: $0.02 of $0.02, and this request's input alone costs at least $0.0030. Raise it: abg raise tight 1",
        denied.message());
    // 2,000 tokens (600 µ$ at least) still fit
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("tight", 2_000, 0)));
  }

  @Test
  void shouldLetTheCrossingRequestCompleteAndBlockTheNextInSoftMode() {
    SpendService spend = start("session_budget_usd", "0.02", "enforcement", "soft");
    spend(spend, "soft", Usage.anthropic(4821, 0, 0, 0, 312));
    BudgetDecision.Granted granted = assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("soft", 10_000, 0)));
    java.util.concurrent.atomic.AtomicReference<String> cut = new java.util.concurrent.atomic.AtomicReference<>();
    granted.reservation().onCutOff(cut::set);
    spend.meter(granted.reservation(), SONNET, Usage.anthropic(10_000, 0, 0, 0, 0));
    assertNull(cut.get(), "soft mode never cuts a request off");
    spend.settle(granted.reservation(), new Outcome(SONNET, Usage.anthropic(10_000, 0, 0, 0, 0), UsageSource.REPORTED, 200, null, false,
        Instant.now())).toCompletableFuture().join();
    assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("soft", 1, 0)));
  }

  /** Two requests in flight of session "both" and one of "elsewhere", each noting its name in {@code cuts} when cut off. */
  record InFlight(Reservation a, Reservation b, List<String> cuts) {
    static InFlight admit(SpendService spend) {
      List<String> cuts = new java.util.concurrent.CopyOnWriteArrayList<>();
      Reservation a = ((BudgetDecision.Granted) decide(spend, admission("both", 1, 0))).reservation();
      Reservation b = ((BudgetDecision.Granted) decide(spend, admission("both", 1, 0))).reservation();
      Reservation other = ((BudgetDecision.Granted) decide(spend, admission("elsewhere", 1, 0))).reservation();
      a.onCutOff(m -> cuts.add("a"));
      b.onCutOff(m -> cuts.add("b"));
      other.onCutOff(m -> cuts.add("other"));
      return new InFlight(a, b, cuts);
    }
  }

  @Test
  void shouldCutOffEveryRequestInFlightOfASessionWhenItsCapIsReached() {
    SpendService spend = start("session_budget_usd", "0.02");
    InFlight flight = InFlight.admit(spend);
    List<String> cuts = flight.cuts();
    spend.meter(flight.a(), SONNET, Usage.anthropic(4000, 0, 0, 0, 0));   // 12,000 µ$
    assertTrue(cuts.isEmpty());
    spend.meter(flight.b(), SONNET, Usage.anthropic(3000, 0, 0, 0, 0));   // +9,000 = 21,000 ≥ 20,000
    // (on one instance at once; in team mode when the database has said that no more of the cap is left)
    for (int i = 0; i < 250 && cuts.size() < 2; i++) {
      sleep(20);
    }
    assertEquals(java.util.Set.of("a", "b"), java.util.Set.copyOf(cuts));
    assertEquals(2, cuts.size(), "each request is cut off once, the other session's not at all");
  }

  @Test
  void shouldBlockTheSameRequestSentTooManyTimesInARow() {
    SpendService spend = start("loop_max_repeats", "3");
    for (int i = 0; i < 3; i++) {
      BudgetDecision d = decide(spend, admission("loop", 10, 42));
      spend.settle(((BudgetDecision.Granted) d).reservation(), new Outcome(SONNET, Usage.anthropic(10, 0, 0, 0, 1), UsageSource.REPORTED,
          200, null, false, Instant.now())).toCompletableFuture().join();
    }
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("loop", 10, 42)));
    assertEquals(BudgetDecision.Reason.RUNAWAY, denied.reason());
    assertEquals("abg: session 'loop' sent the same request 4 times in a row; the agent looks stuck in a loop (loop_max_repeats is 3)."
        + " Change the request, or reset the session: abg reset loop", denied.message());
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("loop", 10, 43)), "a different request passes");
  }

  @Test
  void shouldBlockASessionSpendingFasterThanTheRateCap() {
    SpendService spend = start("max_usd_per_minute", "0.02");
    spend(spend, "fast", Usage.anthropic(4821, 0, 0, 0, 312));   // 19,143 µ$
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("fast", 1, 1)));
    spend(spend, "other", Usage.anthropic(4821, 0, 0, 0, 312));
    SpendService same = spend;
    BudgetDecision.Granted g = (BudgetDecision.Granted) decide(same, admission("fast2", 1, 2));
    same.settle(g.reservation(), new Outcome(SONNET, Usage.anthropic(7000, 0, 0, 0, 0), UsageSource.REPORTED, 200, null, false,
        Instant.now())).toCompletableFuture().join();                                      // 21,000 µ$ in this minute
    BudgetDecision.Denied denied = assertInstanceOf(BudgetDecision.Denied.class, decide(same, admission("fast2", 1, 3)));
    assertEquals(BudgetDecision.Reason.RUNAWAY, denied.reason());
    assertTrue(denied.message().startsWith("abg: session 'fast2' spent $0.02 in the last minute, over max_usd_per_minute $0.02"), denied.message());
  }

  @Test
  void shouldTurnTheBreakersOff() {
    SpendService spend = start("loop_max_repeats", "off", "max_usd_per_minute", "off");
    for (int i = 0; i < 30; i++) {
      BudgetDecision d = decide(spend, admission("free", 10, 7));
      assertInstanceOf(BudgetDecision.Granted.class, d);
      spend.settle(((BudgetDecision.Granted) d).reservation(), new Outcome(SONNET, Usage.anthropic(10, 0, 0, 0, 1), UsageSource.REPORTED,
          200, null, false, Instant.now())).toCompletableFuture().join();
    }
  }

  @Test
  void shouldApplyAnEditedConfigFileAtOnceAndAuditIt() throws Exception {
    SpendService spend = start("session_budget_usd", "0.02");
    spend(spend, "live", Usage.anthropic(4821, 0, 0, 0, 312));     // 19,143 µ$
    assertInstanceOf(BudgetDecision.Granted.class, decide(spend, admission("live", 0, 0)));
    spend.changes().applyConfigBudgets(new BudgetSettings(new BigDecimal("0.01"), Optional.empty(), new BigDecimal("0.8"), true));
    assertInstanceOf(BudgetDecision.Denied.class, decide(spend, admission("live", 0, 0)), "the lower cap applies to the next request");
    for (int i = 0; i < 50 && fixture.queryLong("SELECT COUNT(*) FROM events WHERE kind = 'budgets_changed'") == 0; i++) {
      Thread.sleep(20);
    }
    assertTrue(fixture.queryString("SELECT detail FROM events WHERE kind = 'budgets_changed'").contains("\"source\":\"config\""));
  }

  @Test
  void shouldNameDbUrlWhenTheTeamDatabaseCannotBeReached() {
    LedgerFixture unreachable = new LedgerFixture(dir).with("db_url", "jdbc:postgresql://127.0.0.1:1/abg?currentSchema=abg_none").with("db_user", "abg");
    dev.abg.config.ConfigException e = assertThrows(dev.abg.config.ConfigException.class, unreachable::start);
    assertTrue(e.getMessage().startsWith("bad configuration: db_url = 'jdbc:postgresql://127.0.0.1:1/abg user=abg': cannot prepare the team ledger"),
        e.getMessage());
  }

  @Test
  void shouldKeepEveryRowWhenTheDatabaseIsLockedForAMoment() throws Exception {
    fixture = new LedgerFixture(dir);
    fixture.busyTimeoutMillis = 100;
    SpendService spend = fixture.start();
    spend(spend, "locked", Usage.anthropic(10, 0, 0, 0, 1));
    try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("abg.db"));
         java.sql.Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE");   // another process holds the write lock
      BudgetDecision.Granted g = (BudgetDecision.Granted) decide(spend, admission("locked-new", 0, 0));
      var settled = spend.settle(g.reservation(), new Outcome(SONNET, Usage.anthropic(1000, 0, 0, 0, 0), UsageSource.REPORTED, 200, null,
          false, Instant.now())).toCompletableFuture();
      Thread.sleep(400);
      assertFalse(settled.isDone(), "the write waits while the database is locked");
      st.execute("COMMIT");
      assertEquals(3_000, settled.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow().costMicros());
    }
    assertEquals(1, fixture.queryLong("SELECT COUNT(*) FROM requests WHERE session_id = 'locked-new'"));
    assertEquals(3_000, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 'locked-new'"));
    spend(spend, "locked-new", Usage.anthropic(10, 0, 0, 0, 1));   // the session's later rows still commit
  }
}
