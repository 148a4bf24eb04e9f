package dev.abg.proxy.tap;

import java.util.Objects;

/** Creates the {@link UsageTap} that fits a response. */
public final class UsageTaps {

  private UsageTaps() {
  }

  /**
   * A new tap for one response.
   *
   * @param kind the endpoint the request went to
   * @param eventStream whether the response's content type is {@code text/event-stream}; when not, the body is read as one
   *     JSON document (also for error responses of a streaming request)
   */
  public static UsageTap create(TapKind kind, boolean eventStream) {
    Objects.requireNonNull(kind, "kind");
    if (!eventStream) {
      return new JsonBodyTap(kind);
    }
    return switch (kind) {
      case ANTHROPIC_MESSAGES -> new AnthropicSseTap();
      case OPENAI_RESPONSES -> new OpenAiResponsesSseTap();
      case OPENAI_CHAT -> new OpenAiChatSseTap();
    };
  }
}
