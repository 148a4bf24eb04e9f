package dev.abg.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;

/** The real Codex CLI (pinned in e2e/package-lock.json) through the packaged proxy to a fake OpenAI upstream. */
@Timeout(300)
class CodexIT {

  private static final Pattern SESSION_LINE = Pattern.compile("session id: ([0-9a-f-]{36})");

  static FakeUpstream upstream;
  static AbgProcess abg;
  static final AgentCli cli = AgentCli.fromSystemProperties();

  @BeforeAll
  static void start(@TempDir Path dir) {
    upstream = FakeUpstream.started();
    abg = AbgProcess.start(dir, Map.of("upstream_openai", upstream.baseUrl(), "session_budget_usd", "0.5"));
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

  @BeforeEach
  void usage() {
    upstream.reset();
    // gpt-5.5-codex priced as gpt-5.5: 100,000 input × $5 + 10,000 output × $30 = $0.50 + $0.30 = $0.80
    upstream.config().openAiUsage(100_000, 0, 10_000, 0);
  }

  @Test
  void shouldRecordARunUnderItsSessionIdThroughACustomProvider() throws Exception {
    AgentCli.Result run = cli.codexExec(abg.baseUrl() + "/v1", "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    String session = sessionOf(run);
    assertEquals(List.of(List.of("gpt-5.5-codex", "800000", "gpt-5.5", "codex")),
        ClaudeCodeIT.query("SELECT model, cost_micros, priced_as, client FROM requests WHERE session_id = '" + session + "'", abg));
  }

  @Test
  void shouldStopTheNextRunAtTheCapAfterExactlyOneRequest() throws Exception {
    String base = abg.baseUrl() + "/s/codex-ci/v1";
    AgentCli.Result spends = cli.codexExec(base, "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, spends.exitCode(), spends.toString());
    int upstreamCalls = upstream.requestCount();
    AgentCli.Result blocked = cli.codexExec(base, "say hi again", Map.of(), Duration.ofSeconds(120));
    assertNotEquals(0, blocked.exitCode(), blocked.toString());
    assertTrue(blocked.stderr().contains("ERROR: abg: session 'codex-ci' reached its cap: $0.80 of $0.50. Raise it: abg raise codex-ci 1"), blocked.toString());
    assertEquals(upstreamCalls, upstream.requestCount());
    assertEquals(List.of(List.of("1")), ClaudeCodeIT.query("SELECT COUNT(*) FROM requests WHERE session_id = 'codex-ci' AND action = 'block'", abg),
        "exactly one request of the blocked run reached abg");
  }

  @Test
  void shouldWorkThroughTheBuiltInProviderAfterTheWebSocketAttempt() throws Exception {
    AgentCli.Result run = cli.codexExecBuiltin(abg.baseUrl() + "/v1", "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    String session = sessionOf(run);
    List<List<String>> rows = ClaudeCodeIT.query("SELECT endpoint, upstream_status, usage_source FROM requests WHERE session_id = '" + session + "'", abg);
    assertEquals(List.of(List.of("/v1/responses", "200", "reported")), rows);
    assertEquals(0, upstream.count("GET", "/v1/responses"), "the WebSocket attempt was answered by abg (426), never forwarded");
  }

  private static String sessionOf(AgentCli.Result run) {
    Matcher m = SESSION_LINE.matcher(run.stderr() + run.stdout());
    assertTrue(m.find(), "codex printed its session id: " + run);
    return m.group(1);
  }
}
