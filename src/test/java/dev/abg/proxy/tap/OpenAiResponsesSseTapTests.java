package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

class OpenAiResponsesSseTapTests {

  private static TapSnapshot read(String stream) {
    return Feeding.whole(new OpenAiResponsesSseTap(), stream.getBytes(StandardCharsets.UTF_8));
  }

  private static String completed(String usage) {
    return "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":" + usage + "}}\n\n";
  }

  @Test
  void shouldReadTheSampleStream() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiResponsesSseTap(), Feeding.fixture("openai/openai_responses_stream.txt"));

    assertEquals(Usage.openAi(1500, 1024, 0, 40, 30), snapshot.usage());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.inputReported());
    assertTrue(snapshot.complete());
    assertEquals(28, snapshot.streamedTextChars());
    assertEquals("gpt-5.5-codex", snapshot.model());
    assertEquals("resp_mock_16", snapshot.responseId());
    assertNull(snapshot.errorType());
  }

  @Test
  void shouldReadAFunctionCallStreamWithReasoningAndCacheWrites() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiResponsesSseTap(), Feeding.fixture("openai/openai_responses_function_call_stream.txt"));

    assertEquals(Usage.openAi(8000, 6144, 1024, 220, 180), snapshot.usage());
    assertEquals(79, snapshot.streamedTextChars(), "reasoning summary and function arguments");
    assertEquals("gpt-5.6-codex", snapshot.model());
    assertEquals("resp_fc_1", snapshot.responseId());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldReadAnIncompleteResponseAsCompleteWithItsUsage() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiResponsesSseTap(), Feeding.fixture("openai/openai_responses_incomplete_stream.txt"));

    assertEquals(Usage.openAi(300, 0, 0, 16, 0), snapshot.usage());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.complete());
    assertEquals(55, snapshot.streamedTextChars());
    assertEquals(16, snapshot.estimatedOutputTokens(), "the reported 16 beat ceil(55 / 4) = 14");
    assertEquals(snapshot.usage(), snapshot.usageWithEstimate(), "reported usage is never replaced by the estimate");
  }

  @Test
  void shouldRecordAFailedResponse() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiResponsesSseTap(), Feeding.fixture("openai/openai_response_failed_invalid_prompt.txt"));

    assertEquals("invalid_prompt", snapshot.errorType());
    assertEquals("Session budget exhausted: $5.14 >= $5.00", snapshot.errorMessage());
    assertEquals("resp_x", snapshot.responseId());
    assertTrue(snapshot.complete());
    assertFalse(snapshot.usageReported());
    assertEquals(Usage.NONE, snapshot.usage());
  }

  @Test
  void shouldAcceptCacheCreationTokensAsTheCacheWriteField() {
    TapSnapshot snapshot = read(completed(
        "{\"input_tokens\":100,\"input_tokens_details\":{\"cached_tokens\":20,\"cache_creation_tokens\":30},\"output_tokens\":5}"));

    assertEquals(Usage.openAi(100, 20, 30, 5, 0), snapshot.usage());
  }

  @Test
  void shouldKeepCachedAndReasoningWithinTheirTotals() {
    TapSnapshot snapshot = read(completed("{\"input_tokens\":100,\"input_tokens_details\":{\"cached_tokens\":150,\"cache_write_tokens\":10},"
        + "\"output_tokens\":5,\"output_tokens_details\":{\"reasoning_tokens\":9}}"));

    assertEquals(Usage.openAi(100, 100, 0, 5, 5), snapshot.usage());
  }

  @Test
  void shouldCompleteWithoutUsageWhenTheTerminalEventOmitsIt() {
    TapSnapshot snapshot = read("""
        event: response.output_text.delta
        data: {"type":"response.output_text.delta","delta":"abcdefghi"}

        event: response.completed
        data: {"type":"response.completed","response":{"id":"resp_min","usage":null}}

        """);

    assertTrue(snapshot.complete());
    assertFalse(snapshot.usageReported());
    assertEquals(Usage.NONE, snapshot.usage());
    assertEquals(3, snapshot.estimatedOutputTokens());
    assertEquals(Usage.openAi(0, 0, 0, 3, 0), snapshot.usageWithEstimate());
  }

  @Test
  void shouldIgnoreInvalidUsageFields() {
    TapSnapshot snapshot = read(completed("{\"input_tokens\":-1,\"input_tokens_details\":{\"cached_tokens\":\"lots\"},\"output_tokens\":1e3,"
        + "\"output_tokens_details\":{\"reasoning_tokens\":200000000}}"));

    assertFalse(snapshot.usageReported());
    assertEquals(Usage.NONE, snapshot.usage());
    assertTrue(snapshot.complete());
  }

  @Test
  void shouldCountEveryKindOfDelta() {
    TapSnapshot snapshot = read("""
        event: response.output_text.delta
        data: {"type":"response.output_text.delta","delta":"12"}

        event: response.refusal.delta
        data: {"type":"response.refusal.delta","delta":"345"}

        event: response.function_call_arguments.delta
        data: {"type":"response.function_call_arguments.delta","delta":"6"}

        event: response.custom_tool_call_input.delta
        data: {"type":"response.custom_tool_call_input.delta","delta":"78"}

        event: response.reasoning_text.delta
        data: {"type":"response.reasoning_text.delta","delta":"9"}

        event: response.reasoning_summary_text.delta
        data: {"type":"response.reasoning_summary_text.delta","delta":"ab"}

        event: response.output_text.done
        data: {"type":"response.output_text.done","text":"not counted","delta":"not counted"}

        event: response.output_text.delta
        data: {"type":"response.output_text.delta","obfuscation":"xyz","item":{"delta":"nested, not counted"},"delta":"c"}

        """);

    assertEquals(12, snapshot.streamedTextChars());
    assertFalse(snapshot.complete());
  }

  @Test
  void shouldRecordAnErrorEvent() {
    TapSnapshot flat = read("event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\",\"param\":null}\n\n");
    TapSnapshot nested = read("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":null,\"message\":\"Oops\"}}\n\n");

    assertEquals("rate_limit_exceeded", flat.errorType());
    assertEquals("Slow down", flat.errorMessage());
    assertEquals("server_error", nested.errorType());
    assertEquals("Oops", nested.errorMessage());
  }

  @Test
  void shouldTakeIdAndModelFromResponseCreated() {
    TapSnapshot snapshot = read("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_9\",\"model\":\"gpt-5.5\"}}\n\n");

    assertEquals("resp_9", snapshot.responseId());
    assertEquals("gpt-5.5", snapshot.model());
    assertFalse(snapshot.complete());
  }

  @Test
  void shouldGiveTextEstimateForAStreamCutBeforeTheEnd() {
    String text = new String(Feeding.fixture("openai/openai_responses_stream.txt"), StandardCharsets.UTF_8);
    String cut = text.substring(0, text.indexOf("\"usage\": {\"input_tokens\": 1500"));

    TapSnapshot snapshot = read(cut);

    assertFalse(snapshot.complete());
    assertFalse(snapshot.usageReported());
    assertEquals(28, snapshot.streamedTextChars());
    assertEquals(7, snapshot.usageWithEstimate().outputTokens());
  }
}
