package dev.abg.proxy.tap;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads an Anthropic Messages stream.
 *
 * <ul>
 *   <li>{@code message_start}: {@code message.id}, {@code message.model} and {@code message.usage} (input, cache writes with
 *       their 5m/1h split, cache reads, the first output count); the input side is then known.</li>
 *   <li>{@code message_delta}: {@code usage.output_tokens} is cumulative and replaces the earlier count; input and cache
 *       fields, when present, replace theirs too (see {@link AnthropicUsageFields}). With a valid {@code output_tokens} the
 *       usage counts as reported.</li>
 *   <li>{@code content_block_delta}: the lengths of {@code delta.text}, {@code delta.partial_json} and
 *       {@code delta.thinking}, read by streaming without a tree, for the output estimate of a stream cut short.</li>
 *   <li>{@code message_stop}: complete. {@code error}: the error's type and message (the stream is not complete).</li>
 * </ul>
 *
 * Events are told apart by their {@code event:} name, or by the data's {@code type} when a stream has no names.
 */
final class AnthropicSseTap extends SseUsageTap {

  private final AnthropicUsageFields usage = new AnthropicUsageFields();
  private final Json.StringVisitor deltaVisitor = this::visitDelta;
  private long pendingChars;

  AnthropicSseTap() {
    this(SseParser.DEFAULT_MAX_LINE_BYTES);
  }

  AnthropicSseTap(int maxLineBytes) {
    super("anthropic", maxLineBytes);
  }

  @Override
  void onEvent(String name, String data) {
    String type = SseParser.DEFAULT_EVENT_NAME.equals(name) ? Json.topLevelType(data) : name;
    if (type == null) {
      return;
    }
    switch (type) {
      case "content_block_delta" -> countText(data);
      case "message_start" -> messageStart(Json.object(data));
      case "message_delta" -> messageDelta(Json.object(data));
      case "message_stop" -> state.complete();
      case "error" -> error(Json.object(data));
      default -> {
        // ping, content_block_start/stop and unknown events carry nothing we need
      }
    }
  }

  private void messageStart(JsonNode root) {
    JsonNode message = Json.child(root, "message");
    if (message == null) {
      return;
    }
    state.identify(Json.text(message, "id"), Json.text(message, "model"));
    JsonNode reported = Json.child(message, "usage");
    if (reported != null) {
      usage.read(reported);
      state.usage(usage.toUsage());
      if (usage.hasInput()) {
        state.inputReported();
      }
    }
  }

  private void messageDelta(JsonNode root) {
    JsonNode reported = Json.child(root, "usage");
    if (reported == null) {
      return;
    }
    boolean outputReported = Json.tokens(reported, "output_tokens") >= 0;
    usage.read(reported);
    state.usage(usage.toUsage());
    if (usage.hasInput()) {
      state.inputReported();
    }
    if (outputReported) {
      state.usageReported();
    }
  }

  private void error(JsonNode root) {
    JsonNode error = Json.child(root, "error");
    String type = Json.text(error, "type");
    state.error(type != null ? type : "error", Json.text(error, "message"));
  }

  private void countText(String data) {
    pendingChars = 0;
    if (Json.scanStrings(data, deltaVisitor)) {
      state.addTextChars(pendingChars);
    }
  }

  /* {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"..."}} and partial_json / thinking alike */
  private void visitDelta(JsonStreamContext context, JsonParser parser) throws IOException {
    String field = context.getCurrentName();
    if (("text".equals(field) || "partial_json".equals(field) || "thinking".equals(field))
        && Json.isField(context, field, "delta") && context.getParent().getParent().inRoot()) {
      pendingChars += parser.getTextLength();
    }
  }
}
