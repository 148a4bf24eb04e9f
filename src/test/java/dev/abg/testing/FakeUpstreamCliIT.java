package dev.abg.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import io.vertx.core.json.JsonObject;

import dev.abg.testing.AgentCli.OutputFormat;
import dev.abg.testing.AgentCli.Result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Claude Code and Codex CLIs (e2e/node_modules, pinned in e2e/package-lock.json) run directly against {@link FakeUpstream}:
 * proof that the fake's shapes are what the clients accept, and that the error forms of docs/agents.md §5–§7 behave as recorded there.
 * Needs {@code e2e/install.sh} (Maven runs it in pre-integration-test); {@code -DskipE2E=true} skips this class.
 */
@Timeout(180)
class FakeUpstreamCliIT {

  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);
  private static final String BLOCK_MESSAGE = "abg: session 'e2e' reached its cap: $5.01 of $5.00. Raise it: abg raise e2e 2";
  private static final Pattern CODEX_SESSION_LINE = Pattern.compile("(?m)^session id: (\\S+)$");

  private static FakeUpstream upstream;
  private static AgentCli cli;

  @BeforeAll
  static void start() {
    cli = AgentCli.fromSystemProperties();
    cli.missing().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    upstream = FakeUpstream.started();
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @BeforeEach
  void clean() {
    upstream.reset();
  }

  @Test
  void claudePrintShouldSucceedAgainstTheFake(TestInfo test) {
    upstream.config().anthropicUsage(321, 40, 2, 1000, 9).cacheCreationBreakdown(true);

    Result result = timed(test, cli.claudePrint(upstream.baseUrl(), "say hi", Map.of(), CLI_TIMEOUT));

    assertEquals(0, result.exitCode(), result::toString);
    JsonObject json = result.stdoutJson();
    assertNotNull(json, result::toString);
    assertEquals("Hi from mock (claude-opus-5-5)", json.getString("result"));
    assertFalse(json.getBoolean("is_error"));
    List<RecordedRequest> requests = upstream.requests();
    assertEquals(1, requests.size(), requests::toString);
    RecordedRequest request = requests.get(0);
    assertEquals("POST", request.method());
    assertEquals("/v1/messages?beta=true", request.uri());
    assertTrue(request.wantsStream());
    String sessionId = request.header("X-Claude-Code-Session-Id");
    assertNotNull(sessionId);
    assertEquals(sessionId, json.getString("session_id"));
    assertEquals(sessionId, new JsonObject(request.bodyJson().getJsonObject("metadata").getString("user_id")).getString("session_id"));
    assertEquals(AgentCli.ANTHROPIC_API_KEY, request.header("x-api-key"));
    JsonObject usage = json.getJsonObject("usage");
    assertEquals(321, usage.getInteger("input_tokens"));
    assertEquals(42, usage.getInteger("cache_creation_input_tokens"));
    assertEquals(1000, usage.getInteger("cache_read_input_tokens"));
    assertEquals(9, usage.getInteger("output_tokens"));
    assertEquals(new JsonObject().put("ephemeral_1h_input_tokens", 2).put("ephemeral_5m_input_tokens", 40), usage.getJsonObject("cache_creation"),
        "Claude Code reads the cache-write split");
    assertEquals(StreamRecord.Outcome.COMPLETED, upstream.awaitStreamEnded(1, Duration.ofSeconds(5)).outcome());
    assertEquals(List.of(), result.leftoverPids(), "claude -p leaves no process behind");
  }

  @Test
  void claudeShouldStopAfterOneRequestOnA402BillingError(TestInfo test) {
    upstream.config().respondNext(20, CannedResponse.anthropicBillingBlock(BLOCK_MESSAGE));

    Result result = timed(test, cli.claudePrint(upstream.baseUrl(), "say hi", OutputFormat.TEXT, List.of(), Map.of(), CLI_TIMEOUT));

    assertNotEquals(0, result.exitCode(), result::toString);
    assertEquals(1, upstream.requestCount(), () -> upstream.requests().toString());
    assertTrue(result.output().contains("API Error: 402 " + BLOCK_MESSAGE), result::toString);
  }

  @Test
  void claudeJsonResultShouldCarryTheBillingError(TestInfo test) {
    upstream.config().respondNext(20, CannedResponse.anthropicBillingBlock(BLOCK_MESSAGE));

    Result result = timed(test, cli.claudePrint(upstream.baseUrl(), "say hi", Map.of(), CLI_TIMEOUT));

    assertNotEquals(0, result.exitCode(), result::toString);
    assertEquals(1, upstream.requestCount());
    JsonObject json = result.stdoutJson();
    assertNotNull(json, result::toString);
    assertTrue(json.getBoolean("is_error"));
    assertEquals(402, json.getInteger("api_error_status"));
    assertEquals("API Error: 402 " + BLOCK_MESSAGE, json.getString("result"));
  }

  @Test
  void codexExecShouldSucceedAgainstTheFake(TestInfo test) {
    upstream.config().openAiUsage(1500, 1024, 40, 30);

    Result result = timed(test, cli.codexExec(upstream.baseUrl() + "/v1", "say hi", Map.of(), CLI_TIMEOUT));

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.stdout().contains("Hi from mock (gpt-5.5-codex)"), result::toString);
    assertTrue(result.stderr().contains("tokens used\n516"), "input - cached + output: " + result);
    List<RecordedRequest> requests = upstream.requests();
    assertEquals(1, requests.size(), requests::toString);
    RecordedRequest request = requests.get(0);
    assertEquals("POST", request.method());
    assertEquals("/v1/responses", request.uri());
    assertTrue(request.wantsStream());
    assertEquals("Bearer " + AgentCli.OPENAI_API_KEY, request.header("authorization"));
    assertEquals("codex_exec", request.header("originator"));
    String sessionId = request.header("session-id");
    assertNotNull(sessionId);
    assertEquals(sessionId, request.bodyJson().getString("prompt_cache_key"));
    assertEquals(sessionId, codexSessionId(result));
    assertEquals(List.of(), result.leftoverPids(), "codex exec must not leave an app-server daemon behind");
    assertEquals(StreamRecord.Outcome.COMPLETED, upstream.awaitStreamEnded(1, Duration.ofSeconds(5)).outcome());
  }

  @Test
  void codexShouldStopAfterOneRequestOnA400PlainText(TestInfo test) {
    upstream.config().respondNext(40, CannedResponse.plainText(400, BLOCK_MESSAGE));

    Result result = timed(test, cli.codexExec(upstream.baseUrl() + "/v1", "say hi", Map.of(), CLI_TIMEOUT));

    assertNotEquals(0, result.exitCode(), result::toString);
    assertEquals(1, upstream.requestCount(), () -> upstream.requests().toString());
    assertTrue(result.stderr().contains("ERROR: " + BLOCK_MESSAGE), result::toString);
    assertEquals(List.of(), result.leftoverPids());
  }

  @Test
  void codexShouldStopAfterOneRequestOnResponseFailedInvalidPrompt(TestInfo test) {
    upstream.config().respondNext(40, CannedResponse.openAiResponseFailed("invalid_prompt", BLOCK_MESSAGE));

    Result result = timed(test, cli.codexExec(upstream.baseUrl() + "/v1", "say hi", Map.of(), CLI_TIMEOUT));

    assertNotEquals(0, result.exitCode(), result::toString);
    assertEquals(1, upstream.requestCount(), () -> upstream.requests().toString());
    assertTrue(result.stderr().contains("ERROR: " + BLOCK_MESSAGE), result::toString);
  }

  @Test
  void codexBuiltinProviderShouldFallBackFromWebSocketToHttp(TestInfo test) {
    Result result = timed(test, cli.codexExecBuiltin(upstream.baseUrl() + "/v1", "say hi", Map.of(), CLI_TIMEOUT));

    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.stdout().contains("Hi from mock ("), result::toString);
    assertEquals(1, upstream.count("GET", "/v1/responses"), "one WebSocket attempt, answered 426");
    assertEquals(1, upstream.count("POST", "/v1/responses"));
    RecordedRequest post = upstream.requests("POST", "/v1/responses").get(0);
    assertEquals("Bearer " + AgentCli.OPENAI_API_KEY, post.header("authorization"));
    assertEquals(codexSessionId(result), post.header("session-id"));
    assertEquals(List.of(), result.leftoverPids());
  }

  @Test
  void aHungUpstreamShouldCostOnlyTheTimeoutAndLeaveNoProcessBehind(TestInfo test) {
    upstream.config().fault(Fault.HANG, 3).hangLimitMs(60_000);
    Duration timeout = Duration.ofSeconds(4);

    Result codex = timed(test, cli.codexExec(upstream.baseUrl() + "/v1", "say hi", Map.of(), timeout));
    Result claude = timed(test, cli.claudePrint(upstream.baseUrl(), "say hi", Map.of(), timeout));

    for (Result result : List.of(codex, claude)) {
      assertTrue(result.timedOut(), result::toString);
      assertEquals(-1, result.exitCode());
      assertTrue(result.duration().compareTo(timeout.plusSeconds(10)) < 0, result::toString);
      assertEquals(List.of(), result.leftoverPids(), "the whole process tree was killed");
    }
    assertEquals(2, upstream.streams().size(), () -> upstream.requests().toString());
    for (StreamRecord stream : upstream.streams()) {
      assertEquals(StreamRecord.Outcome.CLIENT_CLOSED, stream.awaitEnd(Duration.ofSeconds(10)), "killing the CLI closed its connection");
    }
  }

  private static String codexSessionId(Result result) {
    Matcher m = CODEX_SESSION_LINE.matcher(result.stderr());
    assertTrue(m.find(), result::toString);
    return m.group(1);
  }

  /** Prints each run's duration: the failsafe report is where CI timings of the real CLIs are read. */
  private static Result timed(TestInfo test, Result result) {
    System.out.printf("[e2e] %s: exit %d in %d ms (%s)%n", test.getDisplayName(), result.exitCode(), result.duration().toMillis(),
        result.command().get(0).replaceAll(".*/", ""));
    return result;
  }
}
