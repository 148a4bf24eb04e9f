package dev.abg.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/** The real Codex CLI (pinned in e2e/package-lock.json) through the packaged proxy to a fake OpenAI upstream. */
@Timeout(300)
@PackagedProxy(config = "session_budget_usd: 0.5", resetUpstream = true)
class CodexIT {

  private static final Pattern SESSION_LINE = Pattern.compile("session id: ([0-9a-f-]{36})");

  static final AgentCli cli = AgentCli.fromSystemProperties();

  @BeforeEach
  void usage(FakeUpstream upstream) {
    // gpt-5.5-codex priced as gpt-5.5: 100,000 input × $5 + 10,000 output × $30 = $0.50 + $0.30 = $0.80
    upstream.config().openAiUsage(100_000, 0, 10_000, 0);
  }

  @Test
  void shouldRecordARunUnderItsSessionIdThroughACustomProvider(AbgProcess abg) {
    AgentCli.Result run = cli.codexExec(abg.baseUrl() + "/v1", "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    String session = sessionOf(run);
    assertEquals(List.of(List.of("gpt-5.5-codex", "800000", "gpt-5.5", "codex")),
        abg.ledger().table("SELECT model, cost_micros, priced_as, client FROM requests WHERE session_id = '" + session + "'"));
  }

  @Test
  void shouldStopTheNextRunAtTheCapAfterExactlyOneRequest(AbgProcess abg, FakeUpstream upstream) {
    String base = abg.baseUrl() + "/s/codex-ci/v1";
    AgentCli.Result spends = cli.codexExec(base, "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, spends.exitCode(), spends.toString());
    int upstreamCalls = upstream.requestCount();
    AgentCli.Result blocked = cli.codexExec(base, "say hi again", Map.of(), Duration.ofSeconds(120));
    assertNotEquals(0, blocked.exitCode(), blocked.toString());
    assertTrue(blocked.stderr().contains("ERROR: abg: session 'codex-ci' reached its cap: $0.80 of $0.50. Raise it: abg raise codex-ci 1"), blocked.toString());
    assertEquals(upstreamCalls, upstream.requestCount());
    assertEquals(List.of(List.of("1")), abg.ledger().table("SELECT COUNT(*) FROM requests WHERE session_id = 'codex-ci' AND action = 'block'"),
        "exactly one request of the blocked run reached abg");
  }

  @Test
  void shouldWorkThroughTheBuiltInProviderAfterTheWebSocketAttempt(AbgProcess abg, FakeUpstream upstream) {
    AgentCli.Result run = cli.codexExecBuiltin(abg.baseUrl() + "/v1", "say hi", Map.of(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    String session = sessionOf(run);
    List<List<String>> rows = abg.ledger().table("SELECT endpoint, upstream_status, usage_source FROM requests WHERE session_id = '" + session + "'");
    assertEquals(List.of(List.of("/v1/responses", "200", "reported")), rows);
    assertEquals(0, upstream.count("GET", "/v1/responses"), "the WebSocket attempt was answered by abg (426), never forwarded");
  }

  private static String sessionOf(AgentCli.Result run) {
    Matcher m = SESSION_LINE.matcher(run.stderr() + run.stdout());
    assertTrue(m.find(), "codex printed its session id: " + run);
    return m.group(1);
  }
}
