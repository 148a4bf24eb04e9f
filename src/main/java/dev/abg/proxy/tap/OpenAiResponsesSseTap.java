package dev.abg.proxy.tap;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads an OpenAI Responses stream.
 *
 * <ul>
 *   <li>{@code response.created}: {@code response.id} and {@code response.model}.</li>
 *   <li>{@code response.completed}, {@code response.incomplete}, {@code response.failed}: complete; {@code response.usage}
 *       ({@code input_tokens} including {@code input_tokens_details.cached_tokens}, {@code output_tokens} including
 *       {@code output_tokens_details.reasoning_tokens}) is the reported usage when present (it may be {@code null} or
 *       omitted). A failed response records {@code response.error.code} and {@code message}. Cache writes: an assumption,
 *       see {@link OpenAiUsageFields}.</li>
 *   <li>{@code response.service_tier} (created and terminal events): the processing tier that served it; each
 *       {@code web_search_call} item ({@code response.output_item.done}, and the terminal event's {@code output}) is one
 *       hosted web search.</li>
 *   <li>{@code error}: the error's code (or type) and message.</li>
 *   <li>Text deltas, whose top-level {@code delta} string is measured by streaming without a tree:
 *       {@code response.output_text.delta}, {@code response.refusal.delta}, {@code response.function_call_arguments.delta},
 *       {@code response.custom_tool_call_input.delta} (Codex's freeform tools) and every {@code response.reasoning*.delta}.</li>
 * </ul>
 *
 * Events are told apart by their {@code event:} name, or by the data's {@code type} when a stream has no names.
 */
final class OpenAiResponsesSseTap extends SseUsageTap {

  private final OpenAiUsageFields usage = OpenAiUsageFields.responses();
  private final Json.StringVisitor deltaVisitor = this::visitDelta;
  private long pendingChars;
  private long searchesDone;

  OpenAiResponsesSseTap() {
    this(SseParser.DEFAULT_MAX_LINE_BYTES);
  }

  OpenAiResponsesSseTap(int maxLineBytes) {
    super("openai-responses", maxLineBytes);
  }

  @Override
  void onEvent(String name, String data) {
    String type = SseParser.DEFAULT_EVENT_NAME.equals(name) ? Json.topLevelType(data) : name;
    if (type == null) {
      return;
    }
    switch (type) {
      case "response.output_text.delta", "response.refusal.delta", "response.function_call_arguments.delta",
          "response.custom_tool_call_input.delta" -> countDelta(data);
      case "response.created" -> identify(Json.child(Json.object(data), "response"));
      case "response.output_item.done" -> itemDone(data);
      case "response.completed", "response.incomplete", "response.failed" -> terminal(type, Json.object(data));
      case "error" -> error(Json.object(data));
      default -> {
        if (type.startsWith("response.reasoning") && type.endsWith(".delta")) {
          countDelta(data);
        }
      }
    }
  }

  private void identify(JsonNode response) {
    state.identify(Json.text(response, "id"), Json.text(response, "model"));
    if (response != null && response.has("service_tier")) {
      usage.serviceTier(Json.text(response, "service_tier"));
      state.usage(usage.toUsage());
    }
  }

  /* {"type":"response.output_item.done","item":{"type":"web_search_call",...}}: read as a tree only when it may be one */
  private void itemDone(String data) {
    if (!data.contains("\"web_search_call\"")) {
      return;
    }
    JsonNode item = Json.child(Json.object(data), "item");
    if ("web_search_call".equals(Json.text(item, "type"))) {
      usage.webSearches(++searchesDone);
      state.usage(usage.toUsage());
    }
  }

  /** The {@code web_search_call} items of a response's {@code output}. */
  static long webSearchCalls(JsonNode response) {
    JsonNode output = response == null ? null : response.get("output");
    long calls = 0;
    if (output != null && output.isArray()) {
      for (JsonNode item : output) {
        if ("web_search_call".equals(Json.text(item, "type"))) {
          calls++;
        }
      }
    }
    return calls;
  }

  private void terminal(String type, JsonNode root) {
    // the end marker counts even when its payload cannot be read
    state.complete();
    JsonNode response = Json.child(root, "response");
    identify(response);
    usage.webSearches(webSearchCalls(response));
    state.usage(usage.toUsage());
    if (usage.read(Json.child(response, "usage"))) {
      state.usage(usage.toUsage());
      state.usageReported();
      if (usage.hasInput()) {
        state.inputReported();
      }
    }
    if ("response.failed".equals(type)) {
      JsonNode error = Json.child(response, "error");
      String code = Json.text(error, "code");
      state.error(code != null ? code : type, Json.text(error, "message"));
    }
  }

  /*
   * {"type":"error","code":"...","message":"..."}: the code;
   * {"type":"error","error":{"type":"...","code":"...","message":"..."}}: the nested type, else its code (as in an error body).
   */
  private void error(JsonNode root) {
    JsonNode nested = Json.child(root, "error");
    JsonNode error = nested != null ? nested : root;
    String type = nested != null ? Json.text(nested, "type") : null;
    String code = Json.text(error, "code");
    state.error(type != null ? type : code != null ? code : "error", Json.text(error, "message"));
  }

  private void countDelta(String data) {
    pendingChars = 0;
    if (Json.scanStrings(data, deltaVisitor)) {
      state.addTextChars(pendingChars);
    }
  }

  /* {"type":"response.output_text.delta","item_id":"...","delta":"..."} */
  private void visitDelta(JsonStreamContext context, JsonParser parser) throws IOException {
    if (context.inObject() && "delta".equals(context.getCurrentName()) && context.getParent().inRoot()) {
      pendingChars += parser.getTextLength();
    }
  }
}
