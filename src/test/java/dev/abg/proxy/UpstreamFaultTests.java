package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;



import org.junit.jupiter.api.Test;

import dev.abg.spend.SessionView;
import dev.abg.spend.SpendService;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.CannedResponse;
import dev.abg.testing.Fault;
import dev.abg.testing.Ledger;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every way an upstream can answer badly after it was reached (reset, truncated, garbage, malformed JSON, usage missing or absurd,
 * 5xx), on both providers: what the agent receives, what the ledger records, and that no reservation is left behind. Connection
 * refused is in {@link UnreachableUpstreamTests}; connect and idle timeouts in {@link UpstreamTimeoutTests}.
 */
@QuarkusTest
class UpstreamFaultTests extends ProxyTestBase {

  /** The fake's default Anthropic usage in its message_start: 120 input, 30 cache writes, 1000 cache reads, 1 output. */
  static final long DEFAULT_INPUT = 120;


  // ---------------------------------------------------------------- Anthropic, streamed

  @Test
  void shouldEndAStreamResetMidwayWithAnApiErrorEventAndBillWhatPassed() {
    String session = session();
    upstream.config().textEvents(20).fault(Fault.RESET, 6);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("content_block_delta"), "what arrived before the reset reached the agent");
    assertTrue(response.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"abg: cannot reach the upstream "
        + upstream.baseUrl()), response.body());
    assertTrue(response.body().endsWith("\"}}\n\n"), "the error event is the last one: " + response.body());
    assertFalse(response.body().contains("message_stop"), response.body());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(DEFAULT_INPUT, num(row, "input_tokens"), "input as message_start reported it");
    assertEquals(1000L, num(row, "cache_read_tokens"));
    assertTrue(num(row, "output_tokens") >= 1, "output estimated from the text that passed");
    assertTrue(num(row, "cost_micros") > 0);
    assertEquals(200L, num(row, "upstream_status"));
    assertNoReservationLeft(session);
  }

  @Test
  void shouldPassATruncatedStreamOnAndBillItAsEstimated() {
    String session = session();
    upstream.config().textEvents(20).fault(Fault.TRUNCATE, 8);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    // the upstream ended cleanly without message_stop: the agent sees a stream without its final event (its SDK reports that)
    assertFalse(response.body().contains("message_stop"), response.body());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(DEFAULT_INPUT, num(row, "input_tokens"));
    assertTrue(num(row, "output_tokens") >= 1);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldPassGarbageAfterSomeEventsOnAndBillItAsEstimated() {
    String session = session();
    upstream.config().textEvents(10).fault(Fault.GARBAGE, 5);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(DEFAULT_INPUT, num(row, "input_tokens"));
    assertNoReservationLeft(session);
  }

  @Test
  void shouldEstimateTheOutputWhenTheFinalUsageEventIsMalformed() {
    String session = session();
    // events: message_start, content_block_start, ping, 4 deltas, content_block_stop, message_delta (index 8), message_stop
    upstream.config().textEvents(4).fault(Fault.MALFORMED_JSON, 8);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("message_stop"), "the rest of the stream passes unchanged");
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"), "no final output count: estimated, not taken as message_start's 1 token");
    assertEquals(DEFAULT_INPUT, num(row, "input_tokens"));
    assertTrue(num(row, "output_tokens") >= 1);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldEstimateTheInputFromTheRequestWhenAStreamReportsNoUsage() {
    String session = session();
    upstream.config().fault(Fault.MISSING_USAGE, 0);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("message_stop"));
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertTrue(num(row, "input_tokens") > 0, "input estimated from the request's size, never free");
    assertTrue(num(row, "cost_micros") > 0);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldDisbelieveAbsurdUsageNumbersAndEstimateInstead() {
    // negative input, a string for cache reads, and an output count past any believable size: each reads as "not reported"
    String stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_absurd\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"model\":\"claude-sonnet-4-6\",\"content\":[],\"usage\":{\"input_tokens\":-5,\"cache_read_input_tokens\":\"1000\",\"output_tokens\":1}}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello there, friend\"}}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":99999999999999}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    String session = session();
    upstream.config().respondNext(1, CannedResponse.of(200, "text/event-stream", stream));
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(200, response.statusCode());
    assertEquals(stream, response.body(), "passed on unchanged");
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertTrue(num(row, "input_tokens") > 0 && num(row, "input_tokens") < 1000, "estimated from the request, not -5: " + row);
    assertEquals(0L, num(row, "cache_read_tokens"), "a string is not a count");
    assertTrue(num(row, "output_tokens") >= 1 && num(row, "output_tokens") < 100, "estimated from the text, not 10^14: " + row);
    assertTrue(num(row, "cost_micros") > 0 && num(row, "cost_micros") < 10_000, "a sane cost: " + row);
    assertNoReservationLeft(session);

    // the same in a JSON body: a negative output count and a string input
    String session2 = session();
    upstream.config().respondNext(1, CannedResponse.json(200, "{\"id\":\"msg_absurd\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"usage\":{\"input_tokens\":\"120\",\"output_tokens\":-7}}"));
    HttpResponse<String> json = anthropic(session2, false);
    assertEquals(200, json.statusCode());
    Map<String, Object> row2 = settledRow(session2);
    assertEquals("estimated", row2.get("usage_source"));
    assertTrue(num(row2, "input_tokens") > 0, row2.toString());
    assertTrue(num(row2, "output_tokens") >= 0 && num(row2, "output_tokens") < 100, row2.toString());
    assertNoReservationLeft(session2);
  }

  // ---------------------------------------------------------------- Anthropic, JSON bodies

  @Test
  void shouldResetTheAgentsConnectionWhenAJsonBodyBreaksAndBillTheInput() {
    String session = session();
    upstream.config().fault(Fault.RESET, 0);
    Throwable failed = null;
    try {
      anthropic(session, false);
    } catch (IllegalStateException e) {
      failed = e;
    }
    // half a JSON body cannot be completed in the provider's shape: the agent's connection is reset, so it cannot take it as whole
    assertTrue(failed != null, "the agent sees a broken response, not a complete one");
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertTrue(num(row, "input_tokens") > 0);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldPassAMalformedJsonBodyOnAndBillItAsEstimated() {
    String session = session();
    upstream.config().fault(Fault.MALFORMED_JSON, 0);
    HttpResponse<String> response = anthropic(session, false);
    assertEquals(200, response.statusCode());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertTrue(num(row, "input_tokens") > 0);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldPassATruncatedJsonBodyOnAndBillItAsEstimated() {
    String session = session();
    upstream.config().fault(Fault.TRUNCATE, 0);
    HttpResponse<String> response = anthropic(session, false);
    assertEquals(200, response.statusCode());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertNoReservationLeft(session);
  }

  @Test
  void shouldPassServerErrorsThroughInTheUpstreamsShapeAndBillNothing() {
    String session = session();
    CannedResponse error500 = CannedResponse.anthropicServerError("Internal server error");
    upstream.config().respondNext(1, error500);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(500, response.statusCode());
    assertEquals(error500.bodyString(), response.body());
    upstream.config().respondNext(1, CannedResponse.of(503, "text/html", "<html><body>upstream connect error</body></html>"));
    HttpResponse<String> html = anthropic(session, false);
    assertEquals(503, html.statusCode());
    assertTrue(html.body().contains("upstream connect error"));
    upstream.config().respondNext(1, CannedResponse.anthropicStreamError("overloaded_error", "Overloaded"));
    HttpResponse<String> midStream = anthropic(session, true);
    assertEquals(200, midStream.statusCode());
    assertTrue(midStream.body().contains("overloaded_error"));
    List<Map<String, Object>> rows = awaitRows(session, 3);
    assertEquals(500L, num(rows.get(0), "upstream_status"));
    assertEquals(0L, num(rows.get(0), "cost_micros"), "an error answer costs nothing");
    assertEquals(503L, num(rows.get(1), "upstream_status"));
    assertEquals(0L, num(rows.get(1), "cost_micros"));
    assertEquals(200L, num(rows.get(2), "upstream_status"));
    assertEquals("estimated", rows.get(2).get("usage_source"), "an error event in a 200 stream: the input may have been billed, estimated");
    assertNoReservationLeft(session);
  }

  // ---------------------------------------------------------------- OpenAI

  @Test
  void shouldEndAResponsesStreamResetMidwayWithResponseFailed() {
    String session = session();
    upstream.config().textEvents(10).fault(Fault.RESET, 4);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").stream(true).session(session));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("event: response.failed"), response.body());
    assertTrue(response.body().contains("abg: cannot reach the upstream"), response.body());
    Map<String, Object> row = settledRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertTrue(num(row, "input_tokens") > 0);
    assertNoReservationLeft(session);
  }

  @Test
  void shouldEndAChatStreamResetMidwayWithAnErrorChunk() {
    String session = session();
    upstream.config().textEvents(10).fault(Fault.RESET, 4);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.chat("gpt-5.5").stream(true).abgSession(session));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"error\":{\"message\":\"abg: cannot reach the upstream"), response.body());
    assertTrue(response.body().endsWith("data: [DONE]\n\n"), response.body());
    assertEquals("estimated", settledRow(session).get("usage_source"));
    assertNoReservationLeft(session);
  }

  @Test
  void shouldEstimateOpenAiAnswersWithoutUsageOrWithMalformedJson() {
    String chat = session();
    upstream.config().fault(Fault.MISSING_USAGE, 0);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.chat("gpt-5.5").stream(true).abgSession(chat));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("[DONE]"));
    assertEquals("estimated", settledRow(chat).get("usage_source"));
    assertTrue(num(settledRow(chat), "input_tokens") > 0);
    assertNoReservationLeft(chat);

    String responses = session();
    upstream.config().fault(Fault.MALFORMED_JSON, 0);
    HttpResponse<String> json = ProxyClient.send(AgentRequest.responses("gpt-5.5").abgSession(responses));
    assertEquals(200, json.statusCode());
    assertEquals("estimated", settledRow(responses).get("usage_source"));
    assertNoReservationLeft(responses);
  }

  @Test
  void shouldPassOpenAiServerErrorsThroughAndBillNothing() {
    String session = session();
    CannedResponse error = CannedResponse.openAiError(500, "The server had an error while processing your request.", "server_error", null);
    upstream.config().respondNext(1, error);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").stream(true).session(session));
    assertEquals(500, response.statusCode());
    assertEquals(error.bodyString(), response.body());
    Map<String, Object> row = settledRow(session);
    assertEquals(500L, num(row, "upstream_status"));
    assertEquals(0L, num(row, "cost_micros"));
    assertNoReservationLeft(session);
  }

  // ---------------------------------------------------------------- helpers

  static String session() {
    return "fault-" + UUID.randomUUID();
  }

  private static HttpResponse<String> anthropic(String session, boolean stream) {
    return ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(stream).abgSession(session));
  }

  private Map<String, Object> settledRow(String session) {
    List<Map<String, Object>> rows = awaitRows(session, 1);
    assertEquals(1, rows.size(), "one row per request: " + rows);
    return rows.get(0);
  }

  private List<Map<String, Object>> awaitRows(String session, int n) {
    for (int i = 0; i < 200; i++) {
      List<Map<String, Object>> rows = ledger.rows(session);
      if (rows.size() >= n) {
        return rows;
      }
      sleep(25);
    }
    throw new AssertionError("fewer than " + n + " rows for " + session + ": " + ledger.rows(session));
  }

  /** The session's in-flight count and money return to zero, and its settled spend equals the sum of its rows. */
  void assertNoReservationLeft(String session) {
    assertNoReservationLeft(spend, ledger, session);
  }

  static void assertNoReservationLeft(SpendService spend, Ledger ledger, String session) {
    SessionView view = spend.session(session).orElseThrow();
    for (int i = 0; i < 200 && view.inFlightRequests() > 0; i++) {
      sleep(25);
      view = spend.session(session).orElseThrow();
    }
    assertEquals(0, view.inFlightRequests(), "requests in flight");
    assertEquals(0, view.inFlightMicros(), "µ$ in flight");
    long rows = ledger.number("SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE session_id = ?", session);
    assertEquals(rows, view.spentMicros(), "the session's spend is the sum of its rows");
    assertEquals(rows, ledger.number("SELECT spent_micros FROM sessions WHERE id = ?", session), "sessions.spent_micros is the sum of its rows");
  }

  static long num(Map<String, Object> row, String column) {
    Object v = row.get(column);
    return v == null ? -1 : ((Number) v).longValue();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
