package dev.abg.testing;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.abg.testing.StreamRecord.Outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake upstream itself: shapes (against the reference samples), configuration, recording and faults, over plain HTTP/1.1. */
@Timeout(30)
class FakeUpstreamTests {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ANTHROPIC_STREAM_BODY = AgentRequest.anthropic("claude-opus-5-5").maxTokens(64).stream(true).noTurns().body();
  private static final String RESPONSES_STREAM_BODY = AgentRequest.responses("gpt-5.5-codex").stream(true).noTurns().body();

  private static FakeUpstream upstream;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.started();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  @BeforeEach
  void clean() {
    upstream.reset();
  }

  @Test
  void shouldStreamAnthropicMessagesExactlyLikeTheSample() throws Exception {
    HttpResponse<String> response = post("/v1/messages?beta=true", ANTHROPIC_STREAM_BODY);

    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
    assertEquals("req_fake_1", response.headers().firstValue("request-id").orElseThrow());
    assertEquals(ReferenceSamples.ANTHROPIC_MESSAGES_STREAM, response.body().replace("msg_fake_1", "msg_mock_14"));
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.COMPLETED, stream.outcome());
    assertEquals(8, stream.eventsWritten());
    assertEquals(2, stream.textEventsWritten());
    assertEquals(7, stream.outputTokensWritten());
  }

  @Test
  void shouldAnswerAnthropicNonStreamExactlyLikeTheSample() throws Exception {
    HttpResponse<String> response = post("/v1/messages", "{\"model\":\"claude-opus-5-5\",\"stream\":false}");

    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    assertEquals(ReferenceSamples.ANTHROPIC_MESSAGES_NONSTREAM, response.body().replace("msg_fake_1", "msg_mock_15"));
    assertTrue(upstream.streams().isEmpty());
  }

  @Test
  void shouldStreamResponsesExactlyLikeTheSample() throws Exception {
    HttpResponse<String> response = post("/v1/responses", RESPONSES_STREAM_BODY);

    assertEquals(200, response.statusCode());
    assertEquals("req_fake_1", response.headers().firstValue("x-request-id").orElseThrow());
    String normalised = response.body().replace("resp_fake_1", "resp_mock_16").replace("msg_fake_1", "msg_mock_16")
        .replaceAll("\"created_at\": \\d+", "\"created_at\": 1795872404");
    assertEquals(ReferenceSamples.OPENAI_RESPONSES_STREAM, normalised);
    assertEquals(40, upstream.awaitStreamEnded(1, WAIT).outputTokensWritten());
  }

  @Test
  void shouldBuildTheResponseFailedSample() {
    assertEquals(ReferenceSamples.OPENAI_RESPONSE_FAILED_INVALID_PROMPT,
        CannedResponse.openAiResponseFailed("invalid_prompt", "Session budget exhausted: $5.14 >= $5.00").bodyString());
  }

  @Test
  void shouldEchoTheModelAndUseTheConfiguredUsageAndText() throws Exception {
    upstream.config().anthropicUsage(11, 22, 33, 44, 100).deltas("a", "b", "c", "d");

    List<Sse> events = parse(post("/v1/messages", "{\"model\":\"claude-haiku-5-5\",\"stream\":true}").body());

    JsonObject start = events.get(0).json().getJsonObject("message");
    assertEquals("claude-haiku-5-5", start.getString("model"));
    JsonObject usage = start.getJsonObject("usage");
    assertEquals(11, usage.getInteger("input_tokens"));
    assertEquals(55, usage.getInteger("cache_creation_input_tokens"));
    assertEquals(44, usage.getInteger("cache_read_input_tokens"));
    assertEquals(new JsonObject().put("ephemeral_5m_input_tokens", 22).put("ephemeral_1h_input_tokens", 33), usage.getJsonObject("cache_creation"));
    assertEquals(1, usage.getInteger("output_tokens"));
    List<String> texts = events.stream().filter(e -> e.name().equals("content_block_delta"))
        .map(e -> e.json().getJsonObject("delta").getString("text")).toList();
    assertEquals(List.of("a", "b", "c", "d"), texts);
    Sse delta = events.get(events.size() - 2);
    assertEquals("message_delta", delta.name());
    assertEquals(new JsonObject().put("output_tokens", 100), delta.json().getJsonObject("usage"));
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(4, stream.plannedTextEvents());
    assertEquals(100, stream.outputTokensWritten());
  }

  @Test
  void shouldRepeatFullUsageInMessageDeltaWhenAsked() throws Exception {
    upstream.config().fullUsageInMessageDelta(true).textEvents(0);

    List<Sse> events = parse(post("/v1/messages", ANTHROPIC_STREAM_BODY).body());

    assertEquals(6, events.size(), "no text deltas");
    JsonObject usage = events.get(4).json().getJsonObject("usage");
    assertEquals(120, usage.getInteger("input_tokens"));
    assertEquals(7, usage.getInteger("output_tokens"));
  }

  @Test
  void shouldAnswerResponsesWithConfiguredUsageAsJsonAndStream() throws Exception {
    upstream.config().openAiUsage(900, 800, 70, 60).text("pong");

    JsonObject json = new JsonObject(post("/v1/responses", "{\"model\":\"gpt-5.5\"}").body());
    assertEquals("gpt-5.5", json.getString("model"));
    assertEquals("completed", json.getString("status"));
    assertEquals("pong", json.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
    JsonObject usage = json.getJsonObject("usage");
    assertEquals(900, usage.getInteger("input_tokens"));
    assertEquals(800, usage.getJsonObject("input_tokens_details").getInteger("cached_tokens"));
    assertEquals(70, usage.getInteger("output_tokens"));
    assertEquals(60, usage.getJsonObject("output_tokens_details").getInteger("reasoning_tokens"));
    assertEquals(970, usage.getInteger("total_tokens"));

    List<Sse> events = parse(post("/v1/responses", RESPONSES_STREAM_BODY).body());
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
        "response.output_item.done", "response.completed"), events.stream().map(Sse::name).toList());
    assertEquals("pong", events.get(6).json().getString("text"));
    assertEquals(usage, events.get(9).json().getJsonObject("response").getJsonObject("usage"));
  }

  @Test
  void shouldSendTheChatUsageChunkOnlyWhenIncludeUsageIsSet() throws Exception {
    upstream.config().openAiUsage(50, 10, 20, 5).textEvents(3);

    List<Sse> plain = parse(post("/v1/chat/completions", "{\"model\":\"gpt-5.5\",\"stream\":true}").body());
    assertEquals(6, plain.size(), "role, 3 deltas, finish, [DONE]");
    assertEquals("[DONE]", plain.get(5).data());
    assertTrue(plain.subList(0, 5).stream().noneMatch(e -> e.json().containsKey("usage")));
    assertEquals("stop", plain.get(4).json().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));

    List<Sse> withUsage = parse(post("/v1/chat/completions",
        "{\"model\":\"gpt-5.5\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body());
    assertEquals(7, withUsage.size());
    assertEquals("[DONE]", withUsage.get(6).data());
    JsonObject usageChunk = withUsage.get(5).json();
    assertEquals(new JsonArray(), usageChunk.getJsonArray("choices"));
    assertEquals(50, usageChunk.getJsonObject("usage").getInteger("prompt_tokens"));
    assertEquals(20, usageChunk.getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals(10, usageChunk.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens"));
    assertTrue(withUsage.get(1).json().containsKey("usage"), "every chunk carries usage: null when include_usage is set");
    assertNull(withUsage.get(1).json().getValue("usage"));
    assertEquals(20, upstream.awaitStreamEnded(2, WAIT).outputTokensWritten());

    JsonObject completion = new JsonObject(post("/v1/chat/completions", "{\"model\":\"gpt-5.5\"}").body());
    assertEquals("chat.completion", completion.getString("object"));
    assertEquals("Hi from mock (gpt-5.5)", completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
    assertEquals(70, completion.getJsonObject("usage").getInteger("total_tokens"));
  }

  @Test
  void shouldCountTokensAndListModels() throws Exception {
    assertEquals("{\"input_tokens\": 120}", post("/v1/messages/count_tokens", "{\"model\":\"claude-opus-5-5\"}").body());
    upstream.config().countTokens(4321);
    assertEquals("{\"input_tokens\": 4321}", post("/v1/messages/count_tokens", "{}").body());

    JsonObject openAi = new JsonObject(get("/v1/models").body());
    assertEquals("list", openAi.getString("object"));
    assertEquals("gpt-5.5-codex", openAi.getJsonArray("data").getJsonObject(0).getString("id"));
    HttpResponse<String> anthropic = send(HttpRequest.newBuilder(uri("/v1/models")).header("anthropic-version", "2023-06-01").GET());
    assertEquals("model", new JsonObject(anthropic.body()).getJsonArray("data").getJsonObject(0).getString("type"));
    assertEquals("req_fake_4", anthropic.headers().firstValue("request-id").orElseThrow());
  }

  @Test
  void shouldRecordEveryRequest() throws Exception {
    send(HttpRequest.newBuilder(uri("/v1/messages?beta=true")).header("X-Claude-Code-Session-Id", "s-1").header("x-app", "cli")
        .POST(HttpRequest.BodyPublishers.ofString(ANTHROPIC_STREAM_BODY)));
    HttpResponse<String> notFound = get("/v1/nothing");
    HttpResponse<String> notJson = post("/v1/responses", "not json");
    HttpResponse<String> websocket = get("/v1/responses");

    assertEquals(404, notFound.statusCode());
    assertEquals(400, notJson.statusCode());
    assertEquals("invalid_request_error", new JsonObject(notJson.body()).getJsonObject("error").getString("type"));
    assertEquals(426, websocket.statusCode());
    assertEquals(4, upstream.requestCount());
    RecordedRequest first = upstream.requests().get(0);
    assertEquals(1, first.seq());
    assertEquals("POST", first.method());
    assertEquals("/v1/messages?beta=true", first.uri());
    assertEquals("/v1/messages", first.path());
    assertEquals("s-1", first.header("x-claude-code-session-id"));
    assertEquals("s-1", first.header("X-CLAUDE-CODE-SESSION-ID"));
    assertEquals(ANTHROPIC_STREAM_BODY, first.bodyString());
    assertTrue(first.wantsStream());
    assertNotNull(first.receivedAt());
    assertEquals(1, upstream.count("POST", "/v1/messages"));
    assertEquals(1, upstream.count("GET", "/v1/responses"));
    assertEquals("not json", upstream.requests("POST", "/v1/responses").get(0).bodyString());
    assertNull(upstream.requests("POST", "/v1/responses").get(0).bodyJson());
  }

  @Test
  void shouldAnswerTheNextRequestsWithCannedResponsesThenNormally() throws Exception {
    upstream.config().respondNext(2, CannedResponse.anthropicOverloaded())
        .respondNext(1, CannedResponse.anthropicBillingBlock("cap reached"));

    HttpResponse<String> first = post("/v1/messages", ANTHROPIC_STREAM_BODY);
    HttpResponse<String> second = post("/v1/messages/count_tokens", "{}");
    HttpResponse<String> third = post("/v1/messages", ANTHROPIC_STREAM_BODY);
    HttpResponse<String> fourth = post("/v1/messages", ANTHROPIC_STREAM_BODY);

    assertEquals(529, first.statusCode());
    assertEquals("{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}", first.body());
    assertEquals("req_fake_1", first.headers().firstValue("request-id").orElseThrow());
    assertEquals(529, second.statusCode());
    assertEquals(402, third.statusCode());
    assertEquals("false", third.headers().firstValue("x-should-retry").orElseThrow());
    assertEquals("billing_error", new JsonObject(third.body()).getJsonObject("error").getString("type"));
    assertEquals(200, fourth.statusCode());
    assertEquals(0, upstream.config().queuedResponses());
  }

  @Test
  void shouldSendConfiguredResponseHeaders() throws Exception {
    upstream.config().responseHeader("request-id", "req_custom").responseHeader("anthropic-ratelimit-tokens-remaining", "99");
    HttpResponse<String> custom = post("/v1/messages", ANTHROPIC_STREAM_BODY);
    assertEquals("req_custom", custom.headers().firstValue("request-id").orElseThrow());
    assertEquals("99", custom.headers().firstValue("anthropic-ratelimit-tokens-remaining").orElseThrow());

    upstream.reset();
    upstream.config().requestIdHeaders(false);
    HttpResponse<String> none = post("/v1/responses", RESPONSES_STREAM_BODY);
    assertTrue(none.headers().firstValue("x-request-id").isEmpty());
  }

  @Test
  void shouldPaceTextEventsAndWriteThemAsTheyGo() throws Exception {
    upstream.config().textEvents(5).eventDelayMs(100);
    HttpResponse<InputStream> response = http.send(request("/v1/messages", ANTHROPIC_STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
    long firstDeltaSeen = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (firstDeltaSeen == 0 && line.equals("event: content_block_delta")) {
          firstDeltaSeen = System.nanoTime();
        }
      }
    }
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    List<StreamRecord.WrittenEvent> deltas = stream.events().stream().filter(StreamRecord.WrittenEvent::text).toList();
    assertEquals(5, deltas.size());
    for (int i = 1; i < deltas.size(); i++) {
      assertTrue(deltas.get(i).nanos() - deltas.get(i - 1).nanos() >= Duration.ofMillis(90).toNanos(), "paced: " + stream.events());
    }
    assertTrue(stream.endedNanos() - firstDeltaSeen >= Duration.ofMillis(300).toNanos(), "the first delta arrived before the stream ended");
  }

  @Test
  void shouldTruncateCleanlyAfterKEvents() throws Exception {
    upstream.config().fault(Fault.TRUNCATE, 4);

    HttpResponse<String> response = post("/v1/messages", ANTHROPIC_STREAM_BODY);

    assertEquals(200, response.statusCode());
    List<Sse> events = parse(response.body());
    assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta"), events.stream().map(Sse::name).toList());
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.TRUNCATED, stream.outcome());
    assertEquals(1, stream.textEventsWritten());
    assertEquals(3, stream.outputTokensWritten(), "7 tokens * 1/2 deltas");
  }

  @Test
  void shouldResetTheConnectionAfterKEvents() throws Exception {
    upstream.config().fault(Fault.RESET, 5);

    HttpResponse<InputStream> response = http.send(request("/v1/responses", RESPONSES_STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
    List<String> lines = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThrows(IOException.class, () -> {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    });
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.RESET, stream.outcome());
    assertEquals(5, stream.eventsWritten());
    assertEquals(1, stream.textEventsWritten());
    assertEquals(20, stream.outputTokensWritten());
    assertTrue(lines.stream().filter(l -> l.startsWith("event: ")).count() <= 5, lines.toString());
  }

  @Test
  void shouldCutNonStreamedAnswersInHalf() throws Exception {
    String whole = post("/v1/responses", "{}").body().replace("_fake_1", "_fake_2");
    upstream.config().faultNext(1, Fault.TRUNCATE, 0);
    HttpResponse<String> truncated = post("/v1/responses", "{}");
    assertEquals(200, truncated.statusCode());
    String createdAt = "\"created_at\": \\d+";
    assertEquals(whole.substring(0, whole.length() / 2).replaceAll(createdAt, "T"), truncated.body().replaceAll(createdAt, "T"));

    upstream.config().faultNext(1, Fault.RESET, 0);
    assertThrows(IOException.class, () -> post("/v1/responses", "{}"));
    assertEquals(200, post("/v1/responses", "{}").statusCode(), "a new connection after the reset");
  }

  @Test
  void shouldSendGarbage() throws Exception {
    upstream.config().fault(Fault.GARBAGE, 0);
    HttpResponse<byte[]> stream = http.send(request("/v1/messages", ANTHROPIC_STREAM_BODY), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, stream.statusCode());
    assertEquals(new String(Exchange.GARBAGE, StandardCharsets.UTF_8), new String(stream.body(), StandardCharsets.UTF_8));
    assertEquals(Outcome.GARBAGE, upstream.awaitStreamEnded(1, WAIT).outcome());

    HttpResponse<String> json = post("/v1/messages", "{\"stream\":false}");
    assertEquals("application/json", json.headers().firstValue("content-type").orElseThrow());
    assertTrue(json.body().startsWith("<html>"));
  }

  @Test
  void shouldHangUntilTheLimitThenReset() throws Exception {
    upstream.config().fault(Fault.HANG, 3).hangLimitMs(300);

    HttpResponse<InputStream> response = http.send(request("/v1/messages", ANTHROPIC_STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode(), "headers arrive before the hang");
    assertThrows(IOException.class, () -> response.body().readAllBytes());
    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.HANG_LIMIT, stream.outcome());
    assertEquals(3, stream.eventsWritten());
  }

  @Test
  void shouldNoticeAClientThatGivesUpOnAHang() throws Exception {
    upstream.config().fault(Fault.HANG, 0);
    HttpResponse<InputStream> hung = http.send(request("/v1/responses", "{\"stream\":false}"), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, hung.statusCode(), "the headers arrive, the body never does");
    hung.body().close();

    upstream.config().fault(Fault.HANG, 2);
    HttpResponse<InputStream> response = http.send(request("/v1/responses", RESPONSES_STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      int events = 0;
      for (String line = reader.readLine(); line != null && events < 2; line = reader.readLine()) {
        events += line.startsWith("data: ") ? 1 : 0;
      }
    }

    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.CLIENT_CLOSED, stream.outcome());
    assertEquals(2, stream.eventsWritten());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (upstream.activeExchanges() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, upstream.activeExchanges(), "both hung answers noticed the client's close");
  }

  @Test
  void shouldStopStreamingWhenTheClientCloses() throws Exception {
    upstream.config().textEvents(50).eventDelayMs(20).anthropicUsage(1, 0, 0, 0, 500);

    HttpResponse<InputStream> response = http.send(request("/v1/messages", ANTHROPIC_STREAM_BODY), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      int deltas = 0;
      for (String line = reader.readLine(); line != null && deltas < 3; line = reader.readLine()) {
        if (line.equals("event: content_block_delta")) {
          deltas++;
        }
      }
    }

    StreamRecord stream = upstream.awaitStreamEnded(1, WAIT);
    assertEquals(Outcome.CLIENT_CLOSED, stream.outcome());
    assertTrue(stream.textEventsWritten() >= 3 && stream.textEventsWritten() < 50, stream.toString());
    assertEquals(500L * stream.textEventsWritten() / 50, stream.outputTokensWritten());
  }

  @Test
  void shouldSendMalformedJson() throws Exception {
    upstream.config().fault(Fault.MALFORMED_JSON, 3);

    String body = post("/v1/messages", "{\"stream\":false}").body();
    assertTrue(body.startsWith("{\"id\": \"msg_fake_1\""));
    assertThrows(Exception.class, () -> new JsonObject(body));

    List<Sse> events = parse(post("/v1/messages", ANTHROPIC_STREAM_BODY).body());
    assertEquals(8, events.size());
    assertThrows(Exception.class, () -> events.get(3).json());
    assertEquals("message_stop", events.get(7).json().getString("type"));
  }

  @Test
  void shouldLeaveUsageOut() throws Exception {
    upstream.config().fault(Fault.MISSING_USAGE, 0);

    List<Sse> anthropic = parse(post("/v1/messages", ANTHROPIC_STREAM_BODY).body());
    assertFalse(anthropic.get(0).json().getJsonObject("message").containsKey("usage"));
    assertFalse(anthropic.get(anthropic.size() - 2).json().containsKey("usage"));
    assertFalse(new JsonObject(post("/v1/messages", "{}").body()).containsKey("usage"));
    List<Sse> responses = parse(post("/v1/responses", RESPONSES_STREAM_BODY).body());
    assertNull(responses.get(responses.size() - 1).json().getJsonObject("response").getValue("usage"));
    List<Sse> chat = parse(post("/v1/chat/completions", "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body());
    assertEquals(5, chat.size(), "no usage chunk");
  }

  @Test
  void shouldApplyAFaultOnlyTheNextNTimes() throws Exception {
    upstream.config().faultNext(1, Fault.TRUNCATE, 1);

    assertEquals(1, parse(post("/v1/messages", ANTHROPIC_STREAM_BODY).body()).size());
    assertEquals(8, parse(post("/v1/messages", ANTHROPIC_STREAM_BODY).body()).size());
  }

  @Test
  void shouldGzipOnlyWhenEnabledAndAccepted() throws Exception {
    HttpResponse<byte[]> identity = http.send(HttpRequest.newBuilder(uri("/v1/messages")).header("accept-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofString(ANTHROPIC_STREAM_BODY)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertTrue(identity.headers().firstValue("content-encoding").isEmpty(), "off by default");

    upstream.config().gzipWhenAccepted(true);
    HttpResponse<byte[]> notAsked = http.send(request("/v1/messages", ANTHROPIC_STREAM_BODY), HttpResponse.BodyHandlers.ofByteArray());
    assertTrue(notAsked.headers().firstValue("content-encoding").isEmpty(), "no accept-encoding, no gzip");
    HttpResponse<byte[]> stream = http.send(HttpRequest.newBuilder(uri("/v1/messages")).header("accept-encoding", "gzip, deflate, br, zstd")
        .POST(HttpRequest.BodyPublishers.ofString(ANTHROPIC_STREAM_BODY)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("gzip", stream.headers().firstValue("content-encoding").orElseThrow());
    assertEquals(new String(identity.body(), StandardCharsets.UTF_8).replace("msg_fake_1", "msg_fake_3"), gunzip(stream.body()));
    assertTrue(upstream.lastStream().gzip());
    HttpResponse<byte[]> json = http.send(HttpRequest.newBuilder(uri("/v1/responses")).header("accept-encoding", "zstd,gzip")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("completed", new JsonObject(gunzip(json.body())).getString("status"));
  }

  @Test
  void shouldDelayTheHeaders() throws Exception {
    upstream.config().headersDelayMs(200);
    long start = System.nanoTime();
    assertEquals(200, post("/v1/messages/count_tokens", "{}").statusCode());
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(190).toNanos());
  }

  @Test
  void shouldForgetEverythingOnReset() throws Exception {
    upstream.config().anthropicUsage(1, 1, 1, 1, 1).respondNext(5, CannedResponse.plainText(400, "no"));
    post("/v1/messages", ANTHROPIC_STREAM_BODY);
    upstream.reset();

    assertEquals(0, upstream.requestCount());
    assertTrue(upstream.streams().isEmpty());
    assertEquals(0, upstream.config().queuedResponses());
    HttpResponse<String> response = post("/v1/messages", ANTHROPIC_STREAM_BODY);
    assertEquals(200, response.statusCode());
    assertEquals(1, upstream.lastRequest().seq());
    assertEquals(7, upstream.awaitStreamEnded(1, WAIT).outputTokensWritten());
  }

  record Sse(String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** A minimal SSE reader: blocks separated by a blank line, {@code event:} and {@code data:} fields. */
  static List<Sse> parse(String body) {
    List<Sse> events = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        events.add(new Sse(name, data));
      }
    }
    return events;
  }

  private static String gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static URI uri(String pathAndQuery) {
    return URI.create(upstream.baseUrl() + pathAndQuery);
  }

  private static HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(uri(path)).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
    return http.send(builder.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }
}
