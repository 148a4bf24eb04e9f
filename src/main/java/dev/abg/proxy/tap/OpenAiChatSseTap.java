package dev.abg.proxy.tap;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads an OpenAI Chat Completions stream: {@code data:} lines, each a chunk object, without event names, ended by
 * {@code data: [DONE]} (complete).
 *
 * <p>Every chunk is streamed once without a tree: the first chunk's top-level {@code id} and {@code model}, and the lengths of
 * {@code choices[].delta.content} (also {@code reasoning_content} and {@code refusal}) and of
 * {@code choices[].delta.tool_calls[].function.arguments} (also the legacy {@code delta.function_call.arguments}).
 *
 * <p>Only a chunk in which {@code "usage"} or {@code "error"} is followed by an object is also read as a tree (a cheap scan
 * decides, so the {@code "usage": null} that every chunk carries with {@code include_usage} costs nothing). {@code usage}
 * ({@code prompt_tokens} including {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens} including
 * {@code completion_tokens_details.reasoning_tokens}) arrives in a final chunk with {@code "choices": []}, and only when the
 * request asked for it with {@code stream_options.include_usage}. An {@code error} object records its type (or code) and
 * message. Cache writes: an assumption, see {@link OpenAiUsageFields}.
 */
final class OpenAiChatSseTap extends SseUsageTap {

  private static final String DONE = "[DONE]";

  private final OpenAiUsageFields usage = OpenAiUsageFields.chat();
  private final Json.StringVisitor chunkVisitor = this::visitChunk;
  private long pendingChars;
  private boolean wantIds;
  private String pendingId;
  private String pendingModel;

  OpenAiChatSseTap() {
    this(SseParser.DEFAULT_MAX_LINE_BYTES);
  }

  OpenAiChatSseTap(int maxLineBytes) {
    super("openai-chat", maxLineBytes);
  }

  @Override
  void onEvent(String name, String data) {
    if (isDone(data)) {
      state.complete();
      return;
    }
    scan(data);
    boolean hasUsage = mayHaveObject(data, "\"usage\"");
    boolean hasError = mayHaveObject(data, "\"error\"");
    if (hasUsage || hasError) {
      readTree(Json.object(data));
    }
  }

  private void scan(String data) {
    pendingChars = 0;
    wantIds = !state.hasResponseId();
    pendingId = null;
    pendingModel = null;
    if (Json.scanStrings(data, chunkVisitor)) {
      state.addTextChars(pendingChars);
      state.identify(pendingId, pendingModel);
    }
  }

  private void readTree(JsonNode root) {
    usage.serviceTier(Json.text(root, "service_tier"));
    if (usage.read(Json.child(root, "usage"))) {
      state.usage(usage.toUsage());
      state.usageReported();
      if (usage.hasInput()) {
        state.inputReported();
      }
    }
    JsonNode error = Json.child(root, "error");
    if (error != null) {
      String type = Json.text(error, "type");
      String code = Json.text(error, "code");
      state.error(type != null ? type : code != null ? code : "error", Json.text(error, "message"));
    }
  }

  /* {"id":"...","model":"...","choices":[{"delta":{"content":"...","tool_calls":[{"function":{"arguments":"..."}}]}}]} */
  private void visitChunk(JsonStreamContext context, JsonParser parser) throws IOException {
    String field = context.getCurrentName();
    JsonStreamContext up = context.getParent();
    if (field == null || up == null) {
      return;
    }
    if (up.inRoot()) {
      if (wantIds && "id".equals(field)) {
        pendingId = Json.truncate(parser.getText());
      } else if (wantIds && "model".equals(field)) {
        pendingModel = Json.truncate(parser.getText());
      }
      return;
    }
    String parent = up.getCurrentName();
    boolean text = ("content".equals(field) || "reasoning_content".equals(field) || "refusal".equals(field)) && "delta".equals(parent);
    boolean arguments = "arguments".equals(field) && ("function".equals(parent) || "function_call".equals(parent));
    if (text || arguments) {
      pendingChars += parser.getTextLength();
    }
  }

  private static boolean isDone(String data) {
    return data.length() <= DONE.length() + 8 && DONE.equals(data.strip());
  }

  /** Cheap pre-check: does {@code key} (quoted) occur followed by optional blanks, a colon, optional blanks and a brace? */
  static boolean mayHaveObject(String data, String key) {
    int from = 0;
    while (true) {
      int at = data.indexOf(key, from);
      if (at < 0) {
        return false;
      }
      int i = skipBlanks(data, at + key.length());
      if (i < data.length() && data.charAt(i) == ':') {
        i = skipBlanks(data, i + 1);
        if (i < data.length() && data.charAt(i) == '{') {
          return true;
        }
      }
      from = at + 1;
    }
  }

  private static int skipBlanks(String data, int from) {
    int i = from;
    while (i < data.length() && Character.isWhitespace(data.charAt(i))) {
      i++;
    }
    return i;
  }
}
