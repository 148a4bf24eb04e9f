package dev.abg.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;

/** The real Claude Code CLI (pinned in e2e/package-lock.json) through the packaged proxy to a fake Anthropic upstream. */
@Timeout(300)
class ClaudeCodeIT {

  static FakeUpstream upstream;
  static AbgProcess abg;
  static final AgentCli cli = AgentCli.fromSystemProperties();

  @BeforeAll
  static void start(@TempDir Path dir) {
    upstream = FakeUpstream.started();
    abg = AbgProcess.start(dir, Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "0.5", "ledger_file", "ledger.jsonl"));
  }

  @AfterAll
  static void stop() {
    if (abg != null) {
      abg.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void reset() {
    upstream.reset();
  }

  @Test
  void shouldEndARunWhoseCapIsReachedMidStreamWithAbgsMessage() throws Exception {
    // 10,000 input × $5 = $0.05, then events of 100 tokens × $25 = $0.0025: the $0.50 cap falls in the middle of the answer
    String[] deltas = new String[400];
    java.util.Arrays.fill(deltas, "0123456789".repeat(40));
    upstream.config().anthropicUsage(10_000, 0, 0, 0, 40_000).deltas(deltas).eventDelayMs(2);
    AgentCli.Result run = cli.claudePrint(abg.baseUrl() + "/s/cut-e2e", "write a long story", AgentCli.OutputFormat.TEXT, List.of(), Map.of(),
        Duration.ofSeconds(120));
    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.stdout().contains("API Error: 402 abg: session 'cut-e2e' reached its cap: $0.50 of $0.50. Raise it: abg raise cut-e2e 1"),
        run.toString());
    assertEquals(List.of(List.of("cutoff"), List.of("block")), query("SELECT action FROM requests WHERE session_id = 'cut-e2e' ORDER BY id"),
        "the stream was cut off, then Claude Code's non-streaming retry was blocked");
    long recorded = Long.parseLong(query("SELECT SUM(cost_micros) FROM requests WHERE session_id = 'cut-e2e'").get(0).get(0));
    assertTrue(recorded >= 500_000 && recorded <= 502_500, "recorded " + recorded + " µ$: at most one event past the cap");
  }

  @Test
  void shouldRecordARunUnderItsOwnSessionAndStopTheNextRunAtTheCapWithOneRequest() throws Exception {
    // 80,000 input × $5 + 5,000 output × $25 (claude-opus-5-5 priced as claude-opus-4-8) = $0.40 + $0.125 = $0.525: the
    // output is reported with the last event, so the answer completes and the session ends past its $0.50 cap
    upstream.config().anthropicUsage(80_000, 0, 0, 0, 5_000);
    AgentCli.Result first = cli.claudePrint(abg.baseUrl(), "say hi", AgentCli.OutputFormat.JSON, List.of(), Map.of(), Duration.ofSeconds(120));
    assertEquals(0, first.exitCode(), first.toString());
    String session = first.stdoutJson().getString("session_id");
    assertEquals(List.of(List.of("claude-opus-5-5", "525000", "warn", "reported")),
        query("SELECT model, cost_micros, action, usage_source FROM requests WHERE session_id = '" + session + "'"));
    int upstreamCalls = upstream.requestCount();

    AgentCli.Result second = cli.claudePrint(abg.baseUrl(), "say hi again", AgentCli.OutputFormat.TEXT, List.of("--session-id", session), Map.of(),
        Duration.ofSeconds(120));
    assertNotEquals(0, second.exitCode(), second.toString());
    String message = "abg: session '" + session + "' reached its cap: $0.53 of $0.50. Raise it: abg raise " + session + " 1";
    assertTrue(second.stdout().contains("API Error: 402 " + message), second.toString());
    assertEquals(upstreamCalls, upstream.requestCount(), "the blocked run never reached the upstream");
    assertEquals(List.of(List.of("block")), query("SELECT action FROM requests WHERE session_id = '" + session + "' AND action = 'block'"),
        "exactly one request of the blocked run reached abg");
  }

  static List<List<String>> query(String sql) throws SQLException {
    return query(sql, abg);
  }

  /** Reads the proxy's ledger file directly. */
  static List<List<String>> query(String sql, AbgProcess proxy) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + proxy.dir().resolve("data/abg.db")); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> rows = new java.util.ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
