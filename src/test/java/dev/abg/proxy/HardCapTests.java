package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;



import org.junit.jupiter.api.Test;

import dev.abg.spend.SessionView;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.Fault;
import dev.abg.testing.StreamRecord;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hard cap (the default enforcement): streams in flight count against the cap, are cut off when it is reached, the
 * retry that follows is blocked, and nothing is left reserved after any kind of ending.
 */
@QuarkusTest
class HardCapTests extends ProxyTestBase {

  /** 40 characters: 10 output tokens at the tap's 4 characters per token. */
  static final String DELTA = "0123456789012345678901234567890123456789";

  /** A long answer: {@code events} deltas of 10 tokens each, the usage reported consistently with the text. */
  private void longAnswer(long inputTokens, int events, long delayMs) {
    String[] deltas = new String[events];
    java.util.Arrays.fill(deltas, DELTA);
    upstream.config().anthropicUsage(inputTokens, 0, 0, 0, events * 10L).deltas(deltas).eventDelayMs(delayMs);
  }

  @Test
  void shouldCutAStreamOffAtTheCapAndBlockTheNonStreamingRetry() {
    String session = "cut-" + UUID.randomUUID();
    spend.changes().create(session, null, 10_000L);                 // $0.01
    // claude-opus-4-8: 1,000 input × $5 = 5,000 µ$, then 10 tokens × $25 = 250 µ$ per event: the cap falls on the 20th event
    longAnswer(1_000, 100, 10);
    HttpResponse<String> stream = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertEquals(200, stream.statusCode());
    String message = "abg: session '" + session + "' reached its cap: $0.01 of $0.01. Raise it: abg raise " + session + " 1";
    assertTrue(stream.body().endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"" + message + "\"}}\n\n"),
        stream.body());
    StreamRecord upstreamStream = upstream.lastStream();
    assertEquals(StreamRecord.Outcome.CLIENT_CLOSED, upstreamStream.awaitEnd(Duration.ofSeconds(10)), "abg closed the upstream connection");
    assertTrue(upstreamStream.textEventsWritten() < 30, "the upstream stopped after " + upstreamStream.textEventsWritten() + " events");

    Map<String, Object> row = ledger.lastRow(session);
    assertEquals("cutoff", row.get("action"));
    assertEquals("estimated", row.get("usage_source"));
    long cost = ((Number) row.get("cost_micros")).longValue();
    assertTrue(cost >= 10_000 && cost <= 10_250, "recorded " + cost + " µ$: at most one event (250 µ$) past the cap");

    HttpResponse<String> retry = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").abgSession(session));
    assertEquals(402, retry.statusCode());
    assertEquals(1, upstream.count("POST", "/v1/messages"), "the retry never reached the upstream");
    assertNoReservation(session);
  }

  @Test
  void shouldCutAResponsesStreamOffWithResponseFailedAndBlockCodexsNextRequest() {
    String session = "codex-cut-" + UUID.randomUUID();
    spend.changes().create(session, null, 10_000L);
    String[] deltas = new String[100];
    java.util.Arrays.fill(deltas, DELTA);
    // gpt-5.5: 10 output tokens × $30 = 300 µ$ an event; the input is reported only at the end, so it counts at its least until then
    upstream.config().openAiUsage(1_000, 0, 1_000, 0).deltas(deltas).eventDelayMs(10);
    HttpResponse<String> stream = ProxyClient.send(AgentRequest.codex("gpt-5.5").stream(true).session(session));
    assertEquals(200, stream.statusCode());
    String message = "abg: session '" + session + "' reached its cap: $0.01 of $0.01. Raise it: abg raise " + session + " 1";
    assertTrue(stream.body().contains("event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"resp_fake_"), stream.body());
    assertTrue(stream.body().endsWith("\"status\":\"failed\",\"error\":{\"code\":\"invalid_prompt\",\"message\":\"" + message + "\"}}}\n\n"),
        stream.body());
    assertEquals("cutoff", ledger.lastRow(session).get("action"));
    HttpResponse<String> next = ProxyClient.send(AgentRequest.codex("gpt-5.5").stream(true).session(session));
    assertEquals(400, next.statusCode());
    assertTrue(next.body().matches("abg: session '" + session + "' reached its cap: \\$0\\.01 of \\$0\\.01\\. Raise it: abg raise " + session + " 1"),
        next.body());
    assertNoReservation(session);
  }

  @Test
  void shouldHoldTheCapUnderEightParallelStreams() throws Exception {
    String session = "parallel-" + UUID.randomUUID();
    long cap = 50_000L;                                    // $0.05
    spend.changes().create(session, null, cap);
    longAnswer(1_000, 400, 5);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        clients.add(pool.submit(() -> {
          int requests = 0;
          while (requests < 50) {
            requests++;
            HttpResponse<String> r = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
            if (r.statusCode() == 402) {
              return requests;
            }
          }
          return requests;
        }));
      }
      for (Future<Integer> client : clients) {
        assertTrue(client.get() < 50, "every client was blocked in the end");
      }
    } finally {
      pool.shutdownNow();
    }
    long recorded = ledger.number("SELECT SUM(cost_micros) FROM requests WHERE session_id = ?", session);
    assertEquals(recorded, spend.session(session).orElseThrow().spentMicros());
    // each of the 8 streams can be an event or two (250 µ$ each) past the cap: the stream that reaches it stops at once, the
    // others on other event loops at their next turn
    assertTrue(recorded - cap <= 2 * 8 * 250, "recorded spend " + recorded + " µ$ against a cap of " + cap);
    assertTrue(ledger.number("SELECT COUNT(*) FROM requests WHERE session_id = ? AND action = 'cutoff'", session) >= 1);
    assertNoReservation(session);
  }

  @Test
  void shouldCountTheInputNearTheCapAndBlockBeforeTheUpstreamBillsAnything() {
    String session = "near-" + UUID.randomUUID();
    spend.changes().create(session, null, 10_000L);
    upstream.config().countTokens(100_000);
    String prompt = "x".repeat(200_000);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).prompt(prompt).abgSession(session));
    assertEquals(402, response.statusCode());
    // 100,000 tokens at the cheapest input price of claude-opus-4-8 (a cache read, $0.50) cost at least $0.05
    assertTrue(response.body().contains("this request's input alone costs at least $0.0500"), response.body());
    assertEquals(1, upstream.count("POST", "/v1/messages/count_tokens"));
    assertEquals(0, upstream.count("POST", "/v1/messages"));
    var counted = upstream.requests("POST", "/v1/messages/count_tokens").get(0).bodyJson();
    assertEquals(null, counted.getValue("max_tokens"), "count_tokens gets only the fields it accepts");
    assertEquals(null, counted.getValue("stream"));
  }

  @Test
  void shouldNeverBlockASequentialSessionThatStaysUnderItsCap() {
    String session = "under-" + UUID.randomUUID();
    // each request: 1,000 × $5 + 100 tokens × $25 = 7,500 µ$; ten of them = 75,000 µ$; the cap leaves 0.1 % on top
    longAnswer(1_000, 10, 0);
    upstream.config().countTokens(1_000);
    spend.changes().create(session, null, 75_075L);
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
      assertEquals(200, r.statusCode(), "request " + (i + 1));
      assertTrue(r.body().endsWith("event: message_stop\ndata: {\"type\": \"message_stop\"}\n\n"), "request " + (i + 1) + " was not cut off");
    }
    assertEquals(75_000L, spend.session(session).orElseThrow().spentMicros());
    assertEquals(List.of("allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "warn", "warn"),
        ledger.rows(session).stream().map(r -> r.get("action")).toList());
    HttpResponse<String> over = ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertEquals(402, over.statusCode(), "the eleventh cannot fit: its input alone costs more than the 75 µ$ left");
  }

  @Test
  void shouldLeaveNoReservationBehindAfterAnyKindOfEnding() throws Exception {
    String session = "leak-" + UUID.randomUUID();
    longAnswer(1_000, 20, 5);
    upstream.config().faultNext(1, Fault.RESET, 3);
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertNoReservation(session);
    upstream.config().faultNext(1, Fault.TRUNCATE, 3);
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertNoReservation(session);
    upstream.config().faultNext(1, Fault.GARBAGE, 3);
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertNoReservation(session);
    upstream.config().faultNext(1, Fault.MALFORMED_JSON, 0);
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").abgSession(session));
    assertNoReservation(session);
    upstream.config().respondNext(1, dev.abg.testing.CannedResponse.anthropicOverloaded());
    ProxyClient.send(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    assertNoReservation(session);
    // the agent hangs up mid-stream
    var open = ProxyClient.open(AgentRequest.claudeCode("claude-opus-4-8").stream(true).abgSession(session));
    open.body().read(new byte[256]);
    open.body().close();
    upstream.lastStream().awaitEnd(Duration.ofSeconds(10));
    awaitNoReservation(session);
    for (int i = 0; i < 100 && ledger.rows(session).size() < 6; i++) {
      Thread.sleep(50);   // the last row commits just after its reservation is released
    }
    assertEquals(6, ledger.rows(session).size(), "every request settled exactly once");
  }

  private void assertNoReservation(String session) {
    SessionView view = spend.session(session).orElseThrow();
    assertEquals(0, view.inFlightRequests(), "requests in flight");
    assertEquals(0, view.inFlightMicros(), "µ$ in flight");
  }

  private void awaitNoReservation(String session) throws InterruptedException {
    for (int i = 0; i < 100 && spend.session(session).orElseThrow().inFlightRequests() > 0; i++) {
      Thread.sleep(50);
    }
    assertNoReservation(session);
  }
}
