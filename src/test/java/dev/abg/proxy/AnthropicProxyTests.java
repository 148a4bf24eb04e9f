package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;



import org.junit.jupiter.api.Test;

import dev.abg.config.BudgetSettings;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.CannedResponse;
import dev.abg.testing.RecordedRequest;
import dev.abg.testing.ReferenceSamples;
import dev.abg.testing.StreamRecord;
import io.quarkus.test.junit.QuarkusTest;

/** The Anthropic route end to end: agent → proxy → fake upstream, with the ledger read back from SQLite. */
@QuarkusTest
class AnthropicProxyTests extends ProxyTestBase {

  /** claude-sonnet-4-6 with the fake's default usage: 120×3 + 30×3.75 + 1000×0.30 + 7×15 = 877.5 µ$ → 878. */
  static final long SONNET_DEFAULT_COST = 878;


  private static String session() {
    return "t-" + UUID.randomUUID();
  }

  @Test
  void shouldPassTheStreamThroughByteForByte() {
    String session = session();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-opus-5-5").stream(true).path("/v1/messages?beta=true").session(session));
    assertEquals(200, response.statusCode());
    // the fake numbers its messages; everything else is the reference sample, byte for byte
    assertEquals(ReferenceSamples.ANTHROPIC_MESSAGES_STREAM, response.body().replaceFirst("msg_fake_\\d+", "msg_mock_14"));
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    assertEquals(session, response.headers().firstValue("x-abg-session").orElseThrow());
    assertEquals("0", response.headers().firstValue("x-abg-session-spent-usd").orElseThrow());
    assertEquals("5", response.headers().firstValue("x-abg-session-remaining-usd").orElseThrow());
  }

  @Test
  void shouldDeliverTheFirstEventBeforeTheUpstreamSendsTheLast() throws Exception {
    upstream.config().textEvents(10).eventDelayMs(100);
    HttpResponse<InputStream> response = ProxyClient.open(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session()));
    InputStream body = response.body();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    long firstDeltaAt = 0;
    int b;
    while ((b = body.read()) >= 0) {
      seen.write(b);
      if (firstDeltaAt == 0 && seen.toString(StandardCharsets.UTF_8).contains("\"text_delta\"")) {
        firstDeltaAt = System.nanoTime();
      }
    }
    StreamRecord stream = upstream.lastStream();
    List<StreamRecord.WrittenEvent> events = stream.events();
    long lastWrittenAt = events.get(events.size() - 1).nanos();
    assertTrue(firstDeltaAt > 0, "a text delta arrived");
    assertTrue(firstDeltaAt < lastWrittenAt, "the first delta reached the agent " + (lastWrittenAt - firstDeltaAt) / 1_000_000 + " ms before the upstream sent its last event");
  }

  @Test
  void shouldRecordOneRowWithExactTokensAndCost() {
    String session = session();
    ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(1, ledger.rows(session).size());
    assertEquals(120L, num(row, "input_tokens"));
    assertEquals(30L, num(row, "cache_creation_5m_tokens"));
    assertEquals(0L, num(row, "cache_creation_1h_tokens"));
    assertEquals(1000L, num(row, "cache_read_tokens"));
    assertEquals(7L, num(row, "output_tokens"));
    assertEquals(SONNET_DEFAULT_COST, num(row, "cost_micros"));
    assertEquals("allow", row.get("action"));
    assertEquals("reported", row.get("usage_source"));
    assertEquals("claude-code", row.get("client"));
    assertEquals("anthropic", row.get("provider"));
    assertEquals("/v1/messages", row.get("endpoint"));
    assertEquals(200L, num(row, "upstream_status"));
    assertTrue(((String) row.get("request_id")).startsWith("req_"));
    assertEquals(SONNET_DEFAULT_COST, spend.session(session).orElseThrow().spentMicros());
  }

  @Test
  void shouldPriceAnUnknownModelByItsFamilyAndFlagIt() {
    String session = session();
    upstream.config().anthropicUsage(120, 30, 10, 1000, 7);
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-6").session(session));
    Map<String, Object> row = ledger.lastRow(session);
    // priced as claude-opus-5-5 (4 / 20, 5m 5, 1h 8, read 0.20): 120×4 + 30×5 + 10×8 + 1000×0.20 + 7×20 = 480 + 150 + 80 + 200 + 140
    assertEquals(1050L, num(row, "cost_micros"));
    assertEquals(10L, num(row, "cache_creation_1h_tokens"));
    assertEquals("claude-opus-5-5", row.get("priced_as"));
    assertEquals(1L, num(row, "price_fallback"));
  }

  @Test
  void shouldPriceAndRecordTheDimensionsTheResponseStates() {
    String session = session();
    upstream.config().anthropicDimensions("fast", "us", 2, 1);
    try {
      for (boolean stream : new boolean[] {true, false}) {
        ProxyClient.send(AgentRequest.claudeCode("claude-opus-5-5").stream(stream).session(session));
        Map<String, Object> row = ledger.lastRow(session);
        // fast card (8 / 40, 5m 10, read 0.40): 120×8 + 30×10 + 1000×0.40 + 7×40 = 960 + 300 + 400 + 280 = 1940; US-only × 1.1 = 2134;
        // 2 web searches × 10000
        assertEquals(22_134L, num(row, "cost_micros"), "stream " + stream);
        assertEquals("claude-opus-5-5@fast", row.get("priced_as"));
        assertEquals("fast", row.get("speed"));
        assertEquals("us", row.get("inference_geo"));
        assertEquals("standard", row.get("service_tier"));
        assertEquals(2L, num(row, "web_search_requests"));
        assertEquals(1L, num(row, "web_fetch_requests"));
        assertEquals(0L, num(row, "price_fallback"));
      }
    } finally {
      upstream.config().reset();
    }
  }

  @Test
  void shouldRecordAJsonResponseAndReleaseItWhole() {
    String session = session();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-opus-5-5").session(session));
    assertEquals(ReferenceSamples.ANTHROPIC_MESSAGES_NONSTREAM, response.body().replaceFirst("msg_fake_\\d+", "msg_mock_15"));
    assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length), response.headers().firstValue("content-length").orElseThrow());
    // claude-opus-5-5: 120×4 + 30×5 + 1000×0.20 + 7×20 = 480 + 150 + 200 + 140
    assertEquals(970L, num(ledger.lastRow(session), "cost_micros"));
  }

  @Test
  void shouldTakeTheSessionFromThePathThenTheHeaderThenClaudeCodesId() {
    String path = session();
    String header = session();
    String claude = session();
    AgentRequest request = AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(claude);
    ProxyClient.send(request.copy().abgSession(header).sessionInPath(path));
    assertEquals(1, ledger.rows(path).size());
    ProxyClient.send(request.copy().abgSession(header).path("/anthropic/v1/messages"));
    assertEquals(1, ledger.rows(header).size());
    ProxyClient.send(request.copy().sessionInPath(path).path("/anthropic/v1/messages"));
    assertEquals(2, ledger.rows(path).size());
    ProxyClient.send(request);
    assertEquals(1, ledger.rows(claude).size());
    assertEquals("/v1/messages", upstream.lastRequest().path());
  }

  @Test
  void shouldFallBackToMetadataUserIdAndThenToDefault() {
    String session = UUID.randomUUID().toString();
    String userId = "{\"device_id\":\"abc\",\"account_uuid\":\"\",\"session_id\":\"" + session + "\"}";   // Claude Code's, as JSON in a string
    ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").maxTokens(10).without("stream").field("metadata", Map.of("user_id", userId)).noTurns());
    assertEquals(1, ledger.rows(session).size());
    int before = ledger.rows("default").size();
    ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6"));
    assertEquals(before + 1, ledger.rows("default").size());
  }

  @Test
  void shouldRecordTheSubAgent() {
    String session = session();
    ProxyClient.send(AgentRequest.claudeCode("claude-haiku-5-5").stream(true).session(session).header("x-claude-code-agent-id", "a1b2c3d4"));
    assertEquals("a1b2c3d4", ledger.lastRow(session).get("agent_id"));
  }

  @Test
  void shouldRefuseABadSessionIdWithoutCallingTheUpstream() {
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session("not ok/.."));
    assertEquals(400, response.statusCode());
    assertTrue(response.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"abg: invalid session id"), response.body());
    HttpResponse<String> tooLong = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).sessionInPath("x".repeat(129)));
    assertEquals(400, tooLong.statusCode());
    assertEquals(0, upstream.requestCount());
  }

  @Test
  void shouldBlockAtTheCapWith402AndNotCallTheUpstream() {
    String session = session();
    spend.changes().create(session, "cap test", 1_000L);
    HttpResponse<String> first = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    assertEquals(200, first.statusCode());
    spend.changes().setCap(session, 500L);                          // 878 µ$ spent: now past the cap
    HttpResponse<String> blocked = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    assertEquals(402, blocked.statusCode());
    String message = "abg: session '" + session + "' reached its cap: $0.00 of $0.00. Raise it: abg raise " + session + " 1";
    assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"" + message + "\"}}", blocked.body());
    assertEquals("false", blocked.headers().firstValue("x-should-retry").orElseThrow());
    assertEquals("application/json", blocked.headers().firstValue("content-type").orElseThrow());
    assertEquals("0.000878", blocked.headers().firstValue("x-abg-session-spent-usd").orElseThrow());
    assertEquals("0", blocked.headers().firstValue("x-abg-session-remaining-usd").orElseThrow());
    assertEquals(1, upstream.count("POST", "/v1/messages"));
    List<Map<String, Object>> rows = ledger.rows(session);
    assertEquals(List.of("warn", "block"), rows.stream().map(r -> r.get("action")).toList());
    assertEquals(0L, num(rows.get(1), "cost_micros"));
  }

  @Test
  void shouldNeverBlockInWarnOnlyModeButWarnInAHeader() {
    String session = session();
    spend.changes().create(session, null, 1_000L);
    BudgetSettings before = spend.budgets();
    try {
      spend.changes().putBudgets(new BudgetSettings(before.sessionBudgetUsd(), before.dailyBudgetUsd(), before.warnAt(), false));
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
        assertEquals(200, r.statusCode());
        if (i > 0) {
          assertTrue(r.headers().firstValue("x-abg-budget-warning").orElseThrow().startsWith("Budget warning: session=$0.00"));
        }
      }
      assertEquals(List.of("warn", "warn", "warn"), ledger.rows(session).stream().map(r -> r.get("action")).toList());
    } finally {
      spend.changes().putBudgets(before);
    }
  }

  @Test
  void shouldBlockEverySessionOnceTheDailyCapIsReached() {
    BudgetSettings before = spend.budgets();
    String a = session();
    String b = session();
    try {
      ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(a));
      BigDecimal today = BigDecimal.valueOf(spend.today().settledMicros(), 6);
      spend.changes().putBudgets(new BudgetSettings(before.sessionBudgetUsd(), Optional.of(today), before.warnAt(), true));
      HttpResponse<String> blocked = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(b));
      assertEquals(402, blocked.statusCode());
      assertTrue(blocked.body().contains("the daily budget is reached"), blocked.body());
      assertEquals("block", ledger.lastRow(b).get("action"));
    } finally {
      spend.changes().putBudgets(before);
    }
  }

  @Test
  void shouldPassUpstreamErrorsThroughUnchangedAndRecordThem() {
    String session = session();
    CannedResponse overloaded = CannedResponse.anthropicOverloaded().withHeader("retry-after", "3");
    upstream.config().respondNext(1, overloaded);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    assertEquals(529, response.statusCode());
    assertEquals(overloaded.bodyString(), response.body());
    assertEquals("3", response.headers().firstValue("retry-after").orElseThrow());
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(529L, num(row, "upstream_status"));
    assertEquals(0L, num(row, "cost_micros"));

    upstream.config().respondNext(1, CannedResponse.anthropicError(400, "invalid_request_error", "max_tokens: too large"));
    HttpResponse<String> bad = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").session(session));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("max_tokens: too large"));
    assertEquals(2, ledger.rows(session).size());
  }

  @Test
  void shouldAskTheUpstreamForAnUncompressedBodyAndStripHopByHopHeaders() {
    upstream.config().gzipWhenAccepted(true);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).path("/v1/messages?beta=true").session(session())
        .header("accept-encoding", "gzip, deflate, br, zstd").abgSession("explicit-" + UUID.randomUUID())
        .header("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14"));
    assertEquals(200, response.statusCode());
    RecordedRequest seen = upstream.lastRequest();
    assertEquals("identity", seen.header("accept-encoding"));
    assertEquals("/v1/messages?beta=true", seen.uri());
    assertEquals("sk-ant-test-fakekey", seen.header("x-api-key"));
    assertEquals("claude-code-20250219,interleaved-thinking-2025-05-14", seen.header("anthropic-beta"));
    assertNull(seen.header("x-abg-session-id"));
    assertTrue(response.body().contains("message_stop"));
  }

  @Test
  void shouldPassCountTokensThroughWithoutBillingIt() {
    String session = session();
    upstream.config().countTokens(4242);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").path("/v1/messages/count_tokens").session(session));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("4242"));
    assertEquals(session, response.headers().firstValue("x-abg-session").orElseThrow());
    assertEquals(0, ledger.rows(session).size());
  }

  @Test
  void shouldBillWhatWasConsumedWhenTheAgentGoesAwayAndCloseTheUpstream() throws Exception {
    String session = session();
    upstream.config().textEvents(50).eventDelayMs(40);
    HttpResponse<InputStream> response = ProxyClient.open(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    InputStream body = response.body();
    byte[] buffer = new byte[8192];
    int total = 0;
    while (total < 600) {
      int n = body.read(buffer);
      if (n < 0) {
        break;
      }
      total += n;
    }
    body.close();
    StreamRecord stream = upstream.lastStream();
    assertEquals(StreamRecord.Outcome.CLIENT_CLOSED, stream.awaitEnd(Duration.ofSeconds(10)));
    Map<String, Object> row = awaitRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(120L, num(row, "input_tokens"));
    assertTrue(num(row, "output_tokens") >= 1, "output estimated from the text that passed");
    assertTrue(stream.eventsWritten() < 50, "the upstream stopped early");
    assertEquals(0, spend.session(session).orElseThrow().inFlightRequests());
  }

  @Test
  void shouldAnswerANonJsonBodyOrAMissingModelWithAClearError() {
    Map<String, String> headers = AgentRequest.claudeCode("claude-sonnet-4-6").session(session()).headers();
    HttpResponse<String> notJson = ProxyClient.send(ProxyClient.post("/v1/messages", headers, "hello"));
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().contains("abg: the request body is not valid JSON"), notJson.body());
    HttpResponse<String> noModel = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").session(session()).without("model").without("max_tokens")
        .without("stream").noTurns());
    assertEquals(400, noModel.statusCode());
    assertTrue(noModel.body().contains("names no model"));
    assertEquals(0, upstream.requestCount());
  }

  @Test
  void shouldAnswerAStreamThatBreaksMidwayWithAnErrorEventAndBillIt() {
    String session = session();
    upstream.config().textEvents(20).fault(dev.abg.testing.Fault.RESET, 5);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).session(session));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("event: error"), response.body());
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(120L, num(row, "input_tokens"));
    assertFalse(spend.session(session).orElseThrow().inFlightRequests() > 0);
  }

  private Map<String, Object> awaitRow(String session) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!ledger.rows(session).isEmpty()) {
        return ledger.lastRow(session);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no row for " + session);
  }

  private static long num(Map<String, Object> row, String column) {
    Object v = row.get(column);
    return v == null ? -1 : ((Number) v).longValue();
  }
}
