package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

class OpenAiChatSseTapTests {

  private static TapSnapshot read(String stream) {
    return Feeding.whole(new OpenAiChatSseTap(), stream.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadAStreamWithAUsageChunkAndDone() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiChatSseTap(), Feeding.fixture("openai/openai_chat_stream.txt"));

    assertEquals(Usage.openAi(1200, 1024, 0, 85, 64).withDimensions(new Usage.Dimensions(null, null, "default", 0, 0)), snapshot.usage());
    assertTrue(snapshot.usageReported());
    assertTrue(snapshot.inputReported());
    assertTrue(snapshot.complete());
    assertEquals(43, snapshot.streamedTextChars(), "content and tool-call arguments");
    assertEquals("chatcmpl-Bx1", snapshot.responseId());
    assertEquals("gpt-5.5-mini", snapshot.model());
    assertNull(snapshot.errorType());
  }

  @Test
  void shouldRecordAnErrorChunk() {
    TapSnapshot snapshot = Feeding.whole(new OpenAiChatSseTap(), Feeding.fixture("openai/openai_chat_error_stream.txt"));

    assertEquals("server_error", snapshot.errorType());
    assertEquals("The server had an error while processing your request.", snapshot.errorMessage());
    assertEquals(5, snapshot.streamedTextChars());
    assertFalse(snapshot.complete());
    assertFalse(snapshot.usageReported());
    assertEquals("chatcmpl-Err", snapshot.responseId());
  }

  @Test
  void shouldCompleteOnDoneWithoutUsage() {
    TapSnapshot snapshot = read("""
        data: {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"abcde"}}]}

        data: [DONE]

        """);

    assertTrue(snapshot.complete());
    assertFalse(snapshot.usageReported());
    assertEquals(2, snapshot.usageWithEstimate().outputTokens());
  }

  @Test
  void shouldReadUsageRidingOnAContentChunk() {
    TapSnapshot snapshot = read("data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\" : {\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n");

    assertEquals(Usage.openAi(7, 0, 0, 2, 0), snapshot.usage());
    assertEquals(2, snapshot.streamedTextChars());
  }

  @Test
  void shouldCountReasoningContentRefusalAndLegacyFunctionCalls() {
    TapSnapshot snapshot = read("""
        data: {"choices":[{"delta":{"reasoning_content":"12"}}]}

        data: {"choices":[{"delta":{"refusal":"345"}}]}

        data: {"choices":[{"delta":{"function_call":{"name":"not counted","arguments":"6789"}}}]}

        data: {"choices":[{"delta":{"role":"assistant","tool_calls":[{"id":"not counted","function":{"name":"nope","arguments":"0"}}]}}]}

        """);

    assertEquals(10, snapshot.streamedTextChars());
  }

  @Test
  void shouldKeepTheFirstIdAndModel() {
    TapSnapshot snapshot = read("""
        data: {"id":"first","model":"gpt-a","choices":[]}

        data: {"id":"second","model":"gpt-b","choices":[]}

        """);

    assertEquals("first", snapshot.responseId());
    assertEquals("gpt-a", snapshot.model());
  }

  @Test
  void shouldFindUsageAndErrorObjectsCheaply() {
    assertTrue(OpenAiChatSseTap.mayHaveObject("{\"usage\":{}}", "\"usage\""));
    assertTrue(OpenAiChatSseTap.mayHaveObject("{\"usage\" :\n {\"a\":1}}", "\"usage\""));
    assertTrue(OpenAiChatSseTap.mayHaveObject("{\"x\":\"usage\",\"usage\":{}}", "\"usage\""));
    assertFalse(OpenAiChatSseTap.mayHaveObject("{\"usage\":null}", "\"usage\""));
    assertFalse(OpenAiChatSseTap.mayHaveObject("{\"content\":\"usage\"}", "\"usage\""));
    assertFalse(OpenAiChatSseTap.mayHaveObject("{\"usage\"", "\"usage\""));
  }

  @Test
  void shouldIgnoreUsageWithWrongTypes() {
    TapSnapshot snapshot = read("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\"7\",\"completion_tokens\":-2}}\n\ndata: [DONE]\n\n");

    assertFalse(snapshot.usageReported());
    assertEquals(Usage.NONE, snapshot.usage());
    assertTrue(snapshot.complete());
  }
}
