package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;



import org.junit.jupiter.api.Test;

import dev.abg.testing.AgentRequest;
import dev.abg.testing.CannedResponse;
import dev.abg.testing.ReferenceSamples;
import io.quarkus.test.junit.QuarkusTest;

/** The OpenAI routes end to end (Responses API as Codex sends it, Chat Completions as SDKs send it). */
@QuarkusTest
class OpenAiProxyTests extends ProxyTestBase {

  /** gpt-5.5-codex is priced as gpt-5.5: (1500 − 1024) × 5 + 1024 × 0.50 + 40 × 30 = 2,380 + 512 + 1,200 = 4,092 µ$. */
  static final long CODEX_DEFAULT_COST = 4_092;


  private static String session() {
    return UUID.randomUUID().toString();
  }

  @Test
  void shouldStreamTheResponsesApiByteForByteAndPriceItExactly() {
    String session = session();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").stream(true).session(session));
    assertEquals(200, response.statusCode());
    assertEquals(ReferenceSamples.OPENAI_RESPONSES_STREAM, response.body().replace("resp_fake_", "resp_mock_").replace("msg_fake_", "msg_mock_")
        .replaceAll("resp_mock_\\d+", "resp_mock_16").replaceAll("msg_mock_\\d+", "msg_mock_16").replaceAll("\"created_at\": \\d+", "\"created_at\": 1795872404"));
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(1500L, num(row, "input_tokens"));
    assertEquals(1024L, num(row, "cached_input_tokens"));
    assertEquals(40L, num(row, "output_tokens"));
    assertEquals(30L, num(row, "reasoning_tokens"));
    assertEquals(CODEX_DEFAULT_COST, num(row, "cost_micros"));
    assertEquals("gpt-5.5", row.get("priced_as"));
    assertEquals(1L, num(row, "price_fallback"));
    assertEquals("codex", row.get("client"));
    assertEquals("openai", row.get("provider"));
    assertEquals("/v1/responses", row.get("endpoint"));
  }

  @Test
  void shouldPriceCodexsDefaultModelAtTheTierAndWithTheSearchesTheResponseStates() {
    // gpt-6.2-sol, a cache-dominated Codex turn: 10,000 input (8,000 cached), 500 output; the response says Fast ("priority")
    upstream.config().openAiUsage(10_000, 8_000, 500, 100).openAiDimensions("priority", 2);
    try {
      for (boolean stream : new boolean[] {true, false}) {
        String session = session();
        ProxyClient.send(AgentRequest.codex("gpt-6.2-sol").stream(stream).session(session));
        Map<String, Object> row = ledger.lastRow(session);
        // Fast (2 × Standard: 4 / 0.20 / 20): 2,000 × 4 + 8,000 × 0.20 + 500 × 20 = 8,000 + 1,600 + 10,000 = 19,600; 2 searches × 10,000
        assertEquals(39_600L, num(row, "cost_micros"), "stream " + stream);
        assertEquals("gpt-6.2-sol@fast", row.get("priced_as"));
        assertEquals("priority", row.get("service_tier"));
        assertEquals(2L, num(row, "web_search_requests"));
      }
      String chat = "chat-" + session();
      ProxyClient.send(AgentRequest.chat("gpt-6.2-sol").stream(true).abgSession(chat));
      // Chat Completions: the same tier from its usage chunk, no hosted searches: 19,600
      assertEquals(19_600L, num(ledger.lastRow(chat), "cost_micros"));
      // the tier Standard ("default"): 2,000 × 2 + 8,000 × 0.10 + 500 × 10 = 9,800
      upstream.config().openAiDimensions("default", 0);
      String standard = session();
      ProxyClient.send(AgentRequest.codex("gpt-6.2-sol").stream(true).session(standard));
      assertEquals(9_800L, num(ledger.lastRow(standard), "cost_micros"));
    } finally {
      upstream.config().reset();
    }
  }

  @Test
  void shouldPriceANonStreamedResponseOfAKnownModel() {
    String session = session();
    ProxyClient.send(AgentRequest.codex("gpt-5-codex").path("/openai/v1/responses").session(session));
    // gpt-5-codex: 476 × 1.25 + 1024 × 0.125 + 40 × 10 = 595 + 128 + 400 = 1,123 µ$
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(1_123L, num(row, "cost_micros"));
    assertEquals(0L, num(row, "price_fallback"));
  }

  @Test
  void shouldAddIncludeUsageToAStreamingChatRequestAndRecordTheUsageChunk() {
    String session = "chat-" + session();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.chat("gpt-5").stream(true).abgSession(session));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"usage\""), "the usage chunk reached the client too");
    assertTrue(response.body().endsWith("data: [DONE]\n\n"));
    assertEquals(Boolean.TRUE, upstream.lastRequest().bodyJson().getJsonObject("stream_options").getBoolean("include_usage"));
    // gpt-5: 476 × 1.25 + 1024 × 0.125 + 40 × 10 = 1,123 µ$
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(1_123L, num(row, "cost_micros"));
    assertEquals("reported", row.get("usage_source"));
  }

  @Test
  void shouldKeepOtherStreamOptionsWhenAddingIncludeUsage() {
    String session = "chat-" + session();
    ProxyClient.send(AgentRequest.chat("gpt-5").stream(true).field("stream_options", Map.of("include_obfuscation", false)).abgSession(session));
    var options = upstream.lastRequest().bodyJson().getJsonObject("stream_options");
    assertEquals(Boolean.TRUE, options.getBoolean("include_usage"));
    assertEquals(Boolean.FALSE, options.getBoolean("include_obfuscation"));
  }

  @Test
  void shouldRecordANonStreamedChatCompletion() {
    String session = "chat-" + session();
    AgentRequest request = AgentRequest.chat("gpt-5-mini").abgSession(session);
    ProxyClient.send(request);
    assertEquals(request.body(), upstream.lastRequest().bodyString(), "a non-streamed request goes upstream unchanged");
    // gpt-5-mini: 476 × 0.25 + 1024 × 0.025 + 40 × 2 = 119 + 25.6 + 80 = 224.6 → 225 µ$
    assertEquals(225L, num(ledger.lastRow(session), "cost_micros"));
  }

  @Test
  void shouldAnswerTheWebSocketAttemptWith426() {
    io.restassured.RestAssured.given().header("Upgrade", "websocket").header("Connection", "Upgrade").header("openai-beta", "responses_websockets=2026-02-06")
        .get(ProxyClient.base() + "/v1/responses").then().statusCode(426);
    assertEquals(0, upstream.requestCount());
  }

  @Test
  void shouldBlockCodexWithPlainTextAndJsonClientsWithAnErrorObject() {
    String session = session();
    spend.changes().create(session, null, 1000L);
    ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").stream(true).session(session));
    HttpResponse<String> blocked = ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").stream(true).session(session));
    String message = "abg: session '" + session + "' reached its cap: $0.00 of $0.00. Raise it: abg raise " + session + " 1";
    assertEquals(400, blocked.statusCode());
    assertEquals(message, blocked.body());
    assertTrue(blocked.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
    HttpResponse<String> jsonBlocked = ProxyClient.send(AgentRequest.codex("gpt-5.5-codex").session(session).header("accept", "application/json"));
    assertEquals(400, jsonBlocked.statusCode());
    assertEquals("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"budget_exceeded\"}}", jsonBlocked.body());
    assertEquals(1, upstream.count("POST", "/v1/responses"));
    assertEquals(List.of("warn", "block", "block"), ledger.rows(session).stream().map(r -> r.get("action")).toList());
  }

  @Test
  void shouldPassOpenAiErrorsThroughUnchanged() {
    String session = session();
    CannedResponse limited = CannedResponse.openAiError(429, "Rate limit reached", "requests", "rate_limit_exceeded");
    upstream.config().respondNext(1, limited);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.codex("gpt-5").stream(true).session(session));
    assertEquals(429, response.statusCode());
    assertEquals(limited.bodyString(), response.body());
    assertEquals(429L, num(ledger.lastRow(session), "upstream_status"));
  }

  @Test
  void shouldPassOtherOpenAiPathsThroughUnbilled() {
    String session = session();
    HttpResponse<String> response = ProxyClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ProxyClient.base() + "/openai/v1/models"))
        .header("authorization", "Bearer sk-test").header("session-id", session).GET());
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"object\""), response.body());
    assertNull(upstream.lastRequest().header("anthropic-version"));
    assertEquals(0, ledger.rows(session).size());
  }

  @Test
  void shouldChargeACodexTitleRequestToTheThreadOfItsInstallation() throws Exception {
    String thread = session();
    String titleSession = session();
    String installation = UUID.randomUUID().toString();
    AgentRequest turn = AgentRequest.codex("gpt-5.5-codex").stream(true).session(thread)
        .header("x-codex-turn-metadata", "{\"installation_id\":\"" + installation + "\",\"session_id\":\"" + thread + "\",\"thread_source\":\"user\"}");
    AgentRequest title = AgentRequest.codex("gpt-5.5-codex").stream(true).session(titleSession)
        .header("x-codex-turn-metadata", "{\"installation_id\":\"" + installation + "\",\"session_id\":\"" + titleSession + "\",\"thread_source\":\"thread_title\"}");
    // the title request arrives first and waits for its thread's first turn
    CompletableFuture<HttpResponse<String>> titleResponse = CompletableFuture.supplyAsync(
        () -> ProxyClient.send(title));
    Thread.sleep(300);
    ProxyClient.send(turn);
    assertEquals(200, titleResponse.get().statusCode());
    assertEquals(thread, titleResponse.get().headers().firstValue("x-abg-session").orElseThrow());
    assertEquals(2, ledger.rows(thread).size());
    assertTrue(spend.session(titleSession).isEmpty(), "no stray session for the title request");
    // a later title request of the same installation goes straight to the latest thread
    ProxyClient.send(title);
    assertEquals(3, ledger.rows(thread).size());
  }

  private static long num(Map<String, Object> row, String column) {
    Object v = row.get(column);
    return v == null ? -1 : ((Number) v).longValue();
  }
}
