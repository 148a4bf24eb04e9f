package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

import io.vertx.core.buffer.Buffer;

class JsonBodyTapTests {

  private static TapSnapshot read(TapKind kind, String body) {
    return Feeding.whole(new JsonBodyTap(kind), Feeding.utf8(body));
  }

  @Test
  void shouldReadTheAnthropicSampleBody() {
    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES), Feeding.fixture("anthropic/anthropic_messages_nonstream.json"));

    assertEquals(Usage.anthropic(120, 30, 0, 1000, 7), snapshot.usage());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.inputReported());
    assertTrue(snapshot.complete());
    assertEquals("msg_mock_15", snapshot.responseId());
    assertEquals("claude-opus-5-5", snapshot.model());
    assertEquals(0, snapshot.streamedTextChars());
  }

  @Test
  void shouldSplitAnthropicCacheWritesInABody() {
    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES), Feeding.fixture("anthropic/anthropic_messages_cache_split.json"));

    assertEquals(Usage.anthropic(12, 100, 200, 4000, 3).withDimensions(tier("standard")), snapshot.usage());
    assertEquals("claude-haiku-5", snapshot.model());
  }

  @Test
  void shouldRecordAnAnthropicErrorBodyWithoutUsage() {
    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES), Feeding.fixture("anthropic/anthropic_error.json"));

    assertEquals("rate_limit_error", snapshot.errorType());
    assertEquals("Number of request tokens has exceeded your per-minute rate limit", snapshot.errorMessage());
    assertEquals(Usage.NONE, snapshot.usage());
    assertFalse(snapshot.usageReported());
  }

  @Test
  void shouldReadAResponsesBody() {
    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.OPENAI_RESPONSES), Feeding.fixture("openai/openai_responses.json"));

    assertEquals(Usage.openAi(2048, 1536, 0, 96, 64), snapshot.usage());
    assertTrue(snapshot.usageReported());
    assertEquals("resp_json_1", snapshot.responseId());
    assertEquals("gpt-5.5-codex", snapshot.model());
    assertNull(snapshot.errorType(), "\"error\": null is no error");
  }

  @Test
  void shouldReadAChatCompletionBody() {
    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.OPENAI_CHAT), Feeding.fixture("openai/openai_chat_completion.json"));

    assertEquals(Usage.openAi(19, 0, 0, 10, 0).withDimensions(tier("default")), snapshot.usage());
    assertEquals("chatcmpl-J1", snapshot.responseId());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldRecordAnOpenAiErrorBodyWithoutUsage() {
    for (TapKind kind : new TapKind[] {TapKind.OPENAI_RESPONSES, TapKind.OPENAI_CHAT}) {
      TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(kind), Feeding.fixture("openai/openai_error.json"));

      assertEquals("invalid_request_error", snapshot.errorType());
      assertEquals("Incorrect API key provided: sk-...abcd.", snapshot.errorMessage());
      assertFalse(snapshot.usageReported());
    }
  }

  @Test
  void shouldIgnoreUsageInAnErrorEnvelope() {
    TapSnapshot snapshot = read(TapKind.OPENAI_CHAT, "{\"error\":{\"code\":\"boom\"},\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5}}");

    assertEquals("boom", snapshot.errorType());
    assertEquals(Usage.NONE, snapshot.usage());
  }

  @Test
  void shouldKeepUsageOfAFailedResponseObject() {
    TapSnapshot snapshot = read(TapKind.OPENAI_RESPONSES,
        "{\"id\":\"r\",\"object\":\"response\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"m\"},"
            + "\"usage\":{\"input_tokens\":50,\"output_tokens\":2}}");

    assertEquals("server_error", snapshot.errorType());
    assertEquals(Usage.openAi(50, 0, 0, 2, 0), snapshot.usage());
  }

  @Test
  void shouldKnowNothingBeforeTheEnd() {
    JsonBodyTap tap = new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES);

    tap.feed(Buffer.buffer(Feeding.fixture("anthropic/anthropic_messages_nonstream.json")));

    assertEquals(TapSnapshot.EMPTY, tap.snapshot());
  }

  @Test
  void shouldReportNothingForABodyPastTheBound() {
    byte[] body = Feeding.fixture("anthropic/anthropic_messages_nonstream.json");
    JsonBodyTap tap = new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES, body.length - 1);

    TapSnapshot snapshot = Feeding.byteByByte(tap, body);

    assertEquals(TapSnapshot.EMPTY, snapshot);
    assertEquals(0, tap.retainedBytes());
  }

  @Test
  void shouldReadABodyExactlyAtTheBound() {
    byte[] body = Feeding.fixture("anthropic/anthropic_messages_nonstream.json");

    TapSnapshot snapshot = Feeding.whole(new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES, body.length), body);

    assertTrue(snapshot.usageReported());
  }

  @Test
  void shouldReportNothingForMalformedOrTruncatedBodies() {
    String body = new String(Feeding.fixture("openai/openai_responses.json"), java.nio.charset.StandardCharsets.UTF_8);

    assertEquals(TapSnapshot.EMPTY, read(TapKind.OPENAI_RESPONSES, body.substring(0, body.length() - 2)));
    assertEquals(TapSnapshot.EMPTY, read(TapKind.OPENAI_RESPONSES, body + " {}"));
    assertEquals(TapSnapshot.EMPTY, read(TapKind.OPENAI_RESPONSES, "[1,2,3]"));
    assertEquals(TapSnapshot.EMPTY, read(TapKind.OPENAI_RESPONSES, ""));
    assertEquals(TapSnapshot.EMPTY, read(TapKind.OPENAI_RESPONSES, "\u00ff\u00fe garbage"));
  }

  @Test
  void shouldIgnoreChunksAfterTheEnd() {
    JsonBodyTap tap = new JsonBodyTap(TapKind.OPENAI_CHAT);
    TapSnapshot snapshot = Feeding.whole(tap, Feeding.fixture("openai/openai_chat_completion.json"));

    tap.feed(Buffer.buffer("garbage"));
    tap.end();

    assertEquals(snapshot, tap.snapshot());
  }

  private static Usage.Dimensions tier(String serviceTier) {
    return new Usage.Dimensions(null, null, serviceTier, 0, 0);
  }
}
