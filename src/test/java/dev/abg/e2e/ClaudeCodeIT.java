package dev.abg.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/** The real Claude Code CLI (pinned in e2e/package-lock.json) through the packaged proxy to a fake Anthropic upstream. */
@Timeout(300)
@PackagedProxy(config = {"session_budget_usd: 0.5", "ledger_file: ledger.jsonl"}, resetUpstream = true)
class ClaudeCodeIT {

  static final AgentCli cli = AgentCli.fromSystemProperties();

  @Test
  void shouldEndARunWhoseCapIsReachedMidStreamWithAbgsMessage(AbgProcess abg, FakeUpstream upstream) {
    // 10,000 input × $4 = $0.04, then events of 100 tokens × $20 = $0.002: the $0.50 cap falls in the middle of the answer
    String[] deltas = new String[400];
    java.util.Arrays.fill(deltas, "0123456789".repeat(40));
    upstream.config().anthropicUsage(10_000, 0, 0, 0, 40_000).deltas(deltas).eventDelayMs(2);
    AgentCli.Result run = cli.claudePrint(abg.baseUrl() + "/s/cut-e2e", "write a long story", AgentCli.OutputFormat.TEXT, List.of(), Map.of(),
        Duration.ofSeconds(120));
    assertNotEquals(0, run.exitCode(), run.toString());
    assertTrue(run.stdout().contains("API Error: 402 abg: session 'cut-e2e' reached its cap: $0.50 of $0.50. Raise it: abg raise cut-e2e 1"),
        run.toString());
    assertEquals(List.of(List.of("cutoff"), List.of("block")), abg.ledger().table("SELECT action FROM requests WHERE session_id = 'cut-e2e' ORDER BY id"),
        "the stream was cut off, then Claude Code's non-streaming retry was blocked");
    long recorded = abg.ledger().number("SELECT SUM(cost_micros) FROM requests WHERE session_id = 'cut-e2e'");
    assertTrue(recorded >= 500_000 && recorded <= 502_000, "recorded " + recorded + " µ$: at most one event past the cap");
  }

  @Test
  void shouldRecordARunUnderItsOwnSessionAndStopTheNextRunAtTheCapWithOneRequest(AbgProcess abg, FakeUpstream upstream) {
    // claude-opus-5-5, Claude Code's default: 100,000 input × $4 + 6,000 output × $20 = $0.40 + $0.12 = $0.52: the output is
    // reported with the last event, so the answer completes and the session ends past its $0.50 cap
    upstream.config().anthropicUsage(100_000, 0, 0, 0, 6_000);
    AgentCli.Result first = cli.claudePrint(abg.baseUrl(), "say hi", AgentCli.OutputFormat.JSON, List.of(), Map.of(), Duration.ofSeconds(120));
    assertEquals(0, first.exitCode(), first.toString());
    String session = first.stdoutJson().getString("session_id");
    assertEquals(List.of(List.of("claude-opus-5-5", "520000", "warn", "reported")),
        abg.ledger().table("SELECT model, cost_micros, action, usage_source FROM requests WHERE session_id = '" + session + "'"));
    int upstreamCalls = upstream.requestCount();

    AgentCli.Result second = cli.claudePrint(abg.baseUrl(), "say hi again", AgentCli.OutputFormat.TEXT, List.of("--session-id", session), Map.of(),
        Duration.ofSeconds(120));
    assertNotEquals(0, second.exitCode(), second.toString());
    String message = "abg: session '" + session + "' reached its cap: $0.52 of $0.50. Raise it: abg raise " + session + " 1";
    assertTrue(second.stdout().contains("API Error: 402 " + message), second.toString());
    assertEquals(upstreamCalls, upstream.requestCount(), "the blocked run never reached the upstream");
    assertEquals(List.of(List.of("block")), abg.ledger().table("SELECT action FROM requests WHERE session_id = '" + session + "' AND action = 'block'"),
        "exactly one request of the blocked run reached abg");
  }
}
