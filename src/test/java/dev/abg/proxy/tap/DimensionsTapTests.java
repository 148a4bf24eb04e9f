package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

/**
 * The price dimensions each tap reads from the response (never from the request): Anthropic's {@code usage.speed},
 * {@code inference_geo}, {@code service_tier} and {@code server_tool_use}, whose {@code message_delta} totals supersede
 * {@code message_start}'s; OpenAI's {@code service_tier} and {@code web_search_call} items. Streams are fed whole, byte by
 * byte and split at random.
 */
class DimensionsTapTests {

  private static final String ANTHROPIC_STREAM = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_fast","type":"message","role":"assistant","model":"claude-opus-5-5","content":[],"usage":{"input_tokens":10,"cache_creation_input_tokens":2000,"cache_read_input_tokens":40000,"cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"us","speed":"fast","server_tool_use":{"web_search_requests":0,"web_fetch_requests":0}}}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Searching…"}}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":10,"cache_creation_input_tokens":2000,"cache_read_input_tokens":40000,"output_tokens":420,"server_tool_use":{"web_search_requests":2,"web_fetch_requests":1}}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  private static final Usage.Dimensions ANTHROPIC_DIMENSIONS = new Usage.Dimensions("fast", "us", "standard", 2, 1);

  private static final String RESPONSES_STREAM = """
      event: response.created
      data: {"type":"response.created","response":{"id":"resp_1","object":"response","model":"gpt-6.2-sol","service_tier":"auto","usage":null}}

      event: response.output_item.done
      data: {"type":"response.output_item.done","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"abg"}}}

      event: response.output_item.done
      data: {"type":"response.output_item.done","output_index":1,"item":{"id":"ws_2","type":"web_search_call","status":"completed"}}

      event: response.output_text.delta
      data: {"type":"response.output_text.delta","item_id":"msg_1","delta":"Found it."}

      event: response.completed
      data: {"type":"response.completed","response":{"id":"resp_1","object":"response","model":"gpt-6.2-sol","service_tier":"priority","output":[{"type":"web_search_call","id":"ws_1"},{"type":"web_search_call","id":"ws_2"},{"type":"message","id":"msg_1"}],"usage":{"input_tokens":10000,"input_tokens_details":{"cached_tokens":8000,"cache_write_tokens":1000},"output_tokens":500,"output_tokens_details":{"reasoning_tokens":100}}}}

      """;

  @Test
  void shouldReadAnthropicDimensionsFromAStream() {
    byte[] bytes = Feeding.utf8(ANTHROPIC_STREAM);
    Usage expected = Usage.anthropic(10, 2000, 0, 40_000, 420).withDimensions(ANTHROPIC_DIMENSIONS);
    assertEquals(expected, Feeding.whole(new AnthropicSseTap(), bytes).usage());
    assertEquals(expected, Feeding.byteByByte(new AnthropicSseTap(), bytes).usage());
    for (long seed = 1; seed <= 20; seed++) {
      assertEquals(expected, Feeding.atRandomSplits(new AnthropicSseTap(), bytes, 12, seed).usage(), "seed " + seed);
    }
  }

  @Test
  void shouldKeepMessageStartsDimensionsUntilTheDeltaSupersedesThem() {
    String cut = ANTHROPIC_STREAM.substring(0, ANTHROPIC_STREAM.indexOf("event: message_delta"));
    TapSnapshot start = Feeding.whole(new AnthropicSseTap(), Feeding.utf8(cut));
    assertEquals(new Usage.Dimensions("fast", "us", "standard", 0, 0), start.usage().dimensions());
  }

  @Test
  void shouldReadOpenAiServiceTierAndWebSearchCallsFromAStream() {
    byte[] bytes = Feeding.utf8(RESPONSES_STREAM);
    Usage expected = Usage.openAi(10_000, 8000, 1000, 500, 100).withDimensions(new Usage.Dimensions(null, null, "priority", 2, 0));
    assertEquals(expected, Feeding.whole(new OpenAiResponsesSseTap(), bytes).usage());
    assertEquals(expected, Feeding.byteByByte(new OpenAiResponsesSseTap(), bytes).usage());
    for (long seed = 1; seed <= 20; seed++) {
      assertEquals(expected, Feeding.atRandomSplits(new OpenAiResponsesSseTap(), bytes, 12, seed).usage(), "seed " + seed);
    }
    // cut before the terminal event: the searches already done are counted, the tier is the one created said
    String cut = RESPONSES_STREAM.substring(0, RESPONSES_STREAM.indexOf("event: response.completed"));
    assertEquals(new Usage.Dimensions(null, null, "auto", 2, 0), Feeding.whole(new OpenAiResponsesSseTap(), Feeding.utf8(cut)).usage().dimensions());
  }

  @Test
  void shouldReadDimensionsFromJsonBodies() {
    String anthropic = """
        {"id":"msg_1","type":"message","model":"claude-opus-5-5","content":[],"usage":{"input_tokens":5,"output_tokens":7,"speed":"fast","inference_geo":"global","server_tool_use":{"web_search_requests":1}}}""";
    assertEquals(new Usage.Dimensions("fast", "global", null, 1, 0),
        Feeding.whole(new JsonBodyTap(TapKind.ANTHROPIC_MESSAGES), Feeding.utf8(anthropic)).usage().dimensions());
    String responses = """
        {"id":"resp_1","object":"response","model":"gpt-6-sol","service_tier":"flex","output":[{"type":"web_search_call"},{"type":"message"}],"usage":{"input_tokens":100,"output_tokens":10}}""";
    assertEquals(new Usage.Dimensions(null, null, "flex", 1, 0),
        Feeding.whole(new JsonBodyTap(TapKind.OPENAI_RESPONSES), Feeding.utf8(responses)).usage().dimensions());
    String chat = """
        {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-5.5","service_tier":"priority","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10}}""";
    assertEquals(new Usage.Dimensions(null, null, "priority", 0, 0),
        Feeding.whole(new JsonBodyTap(TapKind.OPENAI_CHAT), Feeding.utf8(chat)).usage().dimensions());
  }

  @Test
  void shouldIgnoreADimensionThatIsNotAShortWord() {
    String odd = ANTHROPIC_STREAM.replace("\"speed\":\"fast\"", "\"speed\":\"fast\\n[abg] BLOCKED\"").replace("\"inference_geo\":\"us\"", "\"inference_geo\":42");
    Usage.Dimensions d = Feeding.whole(new AnthropicSseTap(), Feeding.utf8(odd)).usage().dimensions();
    assertEquals(null, d.speed());
    assertEquals(null, d.inferenceGeo());
  }
}
