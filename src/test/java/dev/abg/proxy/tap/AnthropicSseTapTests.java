package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

import io.vertx.core.buffer.Buffer;

class AnthropicSseTapTests {

  private static final String START = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","model":"claude-opus-5-5",\
      "usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}

      """;

  private static String delta(String usage) {
    return "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":" + usage + "}\n\n";
  }

  private static String text(String text) {
    return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
  }

  private static TapSnapshot read(String stream) {
    return Feeding.whole(new AnthropicSseTap(), stream.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadTheSampleStream() {
    TapSnapshot snapshot = Feeding.whole(new AnthropicSseTap(), Feeding.fixture("anthropic/anthropic_messages_stream.txt"));

    assertEquals(Usage.anthropic(120, 30, 0, 1000, 7), snapshot.usage());
    assertTrue(snapshot.inputReported());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.complete());
    assertEquals(30, snapshot.streamedTextChars());
    assertEquals("claude-opus-5-5", snapshot.model());
    assertEquals("msg_mock_14", snapshot.responseId());
    assertNull(snapshot.errorType());
    assertEquals(snapshot.usage(), snapshot.usageWithEstimate());
  }

  @Test
  void shouldSplitCacheWritesAndBillTheRemainderAtTheDearerRateOfTheSplit() {
    TapSnapshot snapshot = Feeding.whole(new AnthropicSseTap(), Feeding.fixture("anthropic/anthropic_cache_split_stream.txt"));

    // total 3000 = 2000 (5m) + 500 (1h) + 500 unexplained, which goes to 1h: the split has 1-hour writes
    assertEquals(Usage.anthropic(50, 2000, 1000, 2000, 345).withDimensions(new Usage.Dimensions(null, null, "standard", 0, 0)), snapshot.usage());
    assertEquals(66, snapshot.streamedTextChars(), "thinking and text deltas, in UTF-16 chars");
    assertEquals("claude-sonnet-5", snapshot.model());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldCountToolInputJsonDeltas() {
    TapSnapshot snapshot = Feeding.whole(new AnthropicSseTap(), Feeding.fixture("anthropic/anthropic_tool_use_stream.txt"));

    assertEquals(Usage.anthropic(900, 0, 0, 0, 58), snapshot.usage());
    assertEquals(76, snapshot.streamedTextChars());
    assertEquals("msg_01ToolUse", snapshot.responseId());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldRecordAnErrorEventAndKeepTheInput() {
    TapSnapshot snapshot = Feeding.whole(new AnthropicSseTap(), Feeding.fixture("anthropic/anthropic_error_stream.txt"));

    assertEquals("overloaded_error", snapshot.errorType());
    assertEquals("Overloaded", snapshot.errorMessage());
    assertEquals(Usage.anthropic(400, 0, 0, 12000, 1), snapshot.usage());
    assertTrue(snapshot.inputReported());
    assertFalse(snapshot.usageReported());
    assertFalse(snapshot.complete());
    assertEquals(42, snapshot.streamedTextChars());
    assertEquals(11, snapshot.estimatedOutputTokens());
    assertEquals(Usage.anthropic(400, 0, 0, 12000, 11), snapshot.usageWithEstimate());
  }

  @Test
  void shouldReplaceNotAddCumulativeOutputTokens() {
    TapSnapshot snapshot = read(START + delta("{\"output_tokens\":5}") + delta("{\"output_tokens\":12}"));

    assertEquals(12, snapshot.usage().outputTokens());
    assertEquals(10, snapshot.usage().inputTokens());
    assertTrue(snapshot.usageReported());
  }

  @Test
  void shouldLetMessageDeltaReplaceInputAndCacheFields() {
    TapSnapshot snapshot = read(START + delta(
        "{\"input_tokens\":11,\"cache_creation_input_tokens\":40,\"cache_read_input_tokens\":900,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":30},\"output_tokens\":20}"));

    assertEquals(Usage.anthropic(11, 10, 30, 900, 20), snapshot.usage());
  }

  @Test
  void shouldPutAllCacheWritesInto5mWithoutTheSplit() {
    TapSnapshot snapshot = read("""
        event: message_start
        data: {"type":"message_start","message":{"usage":{"input_tokens":1,"cache_creation_input_tokens":70,"output_tokens":1}}}

        """);

    assertEquals(Usage.anthropic(1, 70, 0, 0, 1), snapshot.usage());
    assertTrue(snapshot.inputReported());
    assertFalse(snapshot.usageReported());
  }

  @Test
  void shouldKeepPreviousValuesWhenFieldsAreInvalid() {
    TapSnapshot snapshot = read(START
        + delta("{\"output_tokens\":9}")
        + delta("{\"output_tokens\":-3,\"input_tokens\":\"12\",\"cache_read_input_tokens\":100000001}")
        + delta("{\"output_tokens\":1.5,\"input_tokens\":99999999999999999999999}")
        + delta("{\"output_tokens\":null,\"input_tokens\":true}")
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":50\n\n");

    assertEquals(Usage.anthropic(10, 0, 0, 0, 9), snapshot.usage());
  }

  @Test
  void shouldAcceptTheLargestBelievableCount() {
    TapSnapshot snapshot = read(START + delta("{\"output_tokens\":100000000}"));

    assertEquals(100_000_000, snapshot.usage().outputTokens());
  }

  @Test
  void shouldGiveInputAndEstimateForAStreamCutMidEvent() {
    byte[] sample = Feeding.fixture("anthropic/anthropic_messages_stream.txt");
    String text = new String(sample, StandardCharsets.UTF_8);
    int cut = text.indexOf("\"usage\": {\"output_tokens\": 7}");
    AnthropicSseTap tap = new AnthropicSseTap();

    TapSnapshot snapshot = Feeding.whole(tap, text.substring(0, cut).getBytes(StandardCharsets.UTF_8));

    assertEquals(Usage.anthropic(120, 30, 0, 1000, 1), snapshot.usage());
    assertTrue(snapshot.inputReported());
    assertFalse(snapshot.usageReported());
    assertFalse(snapshot.complete());
    assertEquals(30, snapshot.streamedTextChars());
    assertEquals(8, snapshot.estimatedOutputTokens());
    assertEquals(Usage.anthropic(120, 30, 0, 1000, 8), snapshot.usageWithEstimate());
  }

  @Test
  void shouldShowProgressAfterEveryChunkBeforeTheEnd() {
    AnthropicSseTap tap = new AnthropicSseTap();

    tap.feed(Buffer.buffer(START));
    assertEquals(10, tap.snapshot().usage().inputTokens());
    assertTrue(tap.snapshot().inputReported());

    tap.feed(Buffer.buffer(text("abcdefgh")));
    assertEquals(8, tap.snapshot().streamedTextChars());
    assertEquals(2, tap.snapshot().estimatedOutputTokens());

    tap.feed(Buffer.buffer(text("ij")));
    assertEquals(3, tap.snapshot().estimatedOutputTokens(), "10 chars round up to 3 tokens");
  }

  @Test
  void shouldReturnTheSameSnapshotInstanceWhenNothingChanged() {
    AnthropicSseTap tap = new AnthropicSseTap();
    tap.feed(Buffer.buffer(START));
    TapSnapshot before = tap.snapshot();

    tap.feed(Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n"));

    assertTrue(before == tap.snapshot());
  }

  @Test
  void shouldTellEventsApartByTypeWhenTheStreamHasNoEventNames() {
    TapSnapshot snapshot = read("""
        data: {"type":"message_start","message":{"id":"msg_2","usage":{"input_tokens":3,"output_tokens":1}}}

        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hey"}}

        data: {"type":"message_delta","usage":{"output_tokens":4}}

        data: {"type":"message_stop"}

        """);

    assertEquals(Usage.anthropic(3, 0, 0, 0, 4), snapshot.usage());
    assertEquals(3, snapshot.streamedTextChars());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldNotCountStringsOutsideTheDelta() {
    TapSnapshot snapshot = read("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"text\":\"nope\","
        + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"abcdef\",\"nested\":{\"text\":\"no\"}}}\n\n");

    assertEquals(0, snapshot.streamedTextChars());
  }

  @Test
  void shouldIgnoreAMalformedDeltaEntirely() {
    TapSnapshot snapshot = read("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"abcd\"} trailing\n\n");

    assertEquals(0, snapshot.streamedTextChars());
  }

  @Test
  void shouldReadTheStreamThatFollowsAnOverlongEvent() {
    String overlong = "event: content_block_delta\ndata: {\"delta\":{\"text\":\"" + "x".repeat(5000) + "\"}}\n\n";
    byte[] sample = Feeding.fixture("anthropic/anthropic_messages_stream.txt");
    byte[] stream = (overlong + new String(sample, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    AnthropicSseTap tap = new AnthropicSseTap(1024);

    TapSnapshot snapshot = Feeding.atRandomSplits(tap, stream, 200, 3);

    assertEquals(Usage.anthropic(120, 30, 0, 1000, 7), snapshot.usage());
    assertEquals(30, snapshot.streamedTextChars(), "the overlong delta is dropped, not counted");
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldRecordAnErrorEventWhoseDataIsNotJson() {
    TapSnapshot snapshot = read("event: error\ndata: upstream exploded\n\n");

    assertEquals("error", snapshot.errorType());
    assertNull(snapshot.errorMessage());
  }
}
