package dev.abg.proxy.tap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

/**
 * Reads a non-streaming JSON response body: accumulates it (up to a bound, 16 MiB by default) and reads it at {@link #end()}.
 *
 * <ul>
 *   <li>{@link TapKind#ANTHROPIC_MESSAGES}: {@code id}, {@code model} and {@code usage} as in {@code message_start}.</li>
 *   <li>{@link TapKind#OPENAI_RESPONSES}: {@code id}, {@code model} and {@code usage} as in {@code response.completed}; a
 *       response object whose {@code error} is set records it and still gives its usage.</li>
 *   <li>{@link TapKind#OPENAI_CHAT}: {@code id}, {@code model} and {@code usage} as in the final chat chunk.</li>
 * </ul>
 *
 * An error body ({@code {"type":"error","error":{...}}} or {@code {"error":{...}}}) gives no usage and records the error's
 * type (or code) and message. A well-formed body makes the snapshot complete, with the usage reported when the body had a
 * valid count. A body past the bound stops being accumulated and gives nothing: no usage, not complete. Nothing is known
 * before {@code end()}, and {@code streamedTextChars} stays 0.
 */
final class JsonBodyTap implements UsageTap {

  static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(JsonBodyTap.class);

  private final TapKind kind;
  private final BoundedBytes body;
  private final TapState state = new TapState();
  /** The body passed the bound, or could not be copied: it is not read. */
  private boolean abandoned;
  private boolean ended;

  JsonBodyTap(TapKind kind) {
    this(kind, DEFAULT_MAX_BODY_BYTES);
  }

  JsonBodyTap(TapKind kind, int maxBodyBytes) {
    this.kind = kind;
    this.body = new BoundedBytes(maxBodyBytes);
  }

  @Override
  public void feed(Buffer chunk) {
    if (ended || abandoned || chunk == null) {
      return;
    }
    try {
      if (!body.append(chunk, 0, chunk.length())) {
        abandon("is larger than the bound");
      }
    } catch (RuntimeException e) {
      abandon("could not be copied (" + e.getClass().getName() + ")");
    }
  }

  @Override
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      if (!abandoned) {
        read(Json.object(body.array(), 0, body.length()));
      }
    } catch (RuntimeException e) {
      LOG.debugf("%s body could not be read (%s)", kind, e.getClass().getName());
    } finally {
      body.release();
      state.publish();
    }
  }

  @Override
  public TapSnapshot snapshot() {
    return state.snapshot();
  }

  int retainedBytes() {
    return body.capacity();
  }

  private void abandon(String why) {
    abandoned = true;
    body.release();
    LOG.debugf("%s body %s: its usage will not be read", kind, why);
  }

  private void read(JsonNode root) {
    if (root == null) {
      return;
    }
    state.complete();
    state.identify(Json.text(root, "id"), Json.text(root, "model"));
    JsonNode error = Json.child(root, "error");
    boolean responseObject = kind == TapKind.OPENAI_RESPONSES && "response".equals(Json.text(root, "object"));
    if ("error".equals(Json.text(root, "type")) || (error != null && !responseObject)) {
      recordError(error);
      return;
    }
    if (error != null) {
      recordError(error);
    }
    JsonNode reported = Json.child(root, "usage");
    switch (kind) {
      case ANTHROPIC_MESSAGES -> readAnthropic(reported);
      case OPENAI_RESPONSES -> readOpenAi(OpenAiUsageFields.responses(), root, reported, OpenAiResponsesSseTap.webSearchCalls(root));
      case OPENAI_CHAT -> readOpenAi(OpenAiUsageFields.chat(), root, reported, 0);
    }
  }

  private void readAnthropic(JsonNode reported) {
    if (reported == null) {
      return;
    }
    AnthropicUsageFields usage = new AnthropicUsageFields();
    usage.read(reported);
    boolean outputReported = Json.tokens(reported, "output_tokens") >= 0;
    state.usage(usage.toUsage());
    if (usage.hasInput()) {
      state.inputReported();
    }
    if (usage.hasInput() || outputReported) {
      state.usageReported();
    }
  }

  private void readOpenAi(OpenAiUsageFields usage, JsonNode root, JsonNode reported, long webSearches) {
    usage.serviceTier(Json.text(root, "service_tier"));
    usage.webSearches(webSearches);
    if (usage.read(reported)) {
      state.usage(usage.toUsage());
      state.usageReported();
      if (usage.hasInput()) {
        state.inputReported();
      }
    }
  }

  /* Anthropic {"type":"error","error":{"type","message"}}; OpenAI {"error":{"message","type","param","code"}} or a response's {"code","message"} */
  private void recordError(JsonNode error) {
    String type = Json.text(error, "type");
    String code = Json.text(error, "code");
    state.error(type != null ? type : code != null ? code : "error", Json.text(error, "message"));
  }
}
