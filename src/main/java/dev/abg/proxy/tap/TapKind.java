package dev.abg.proxy.tap;

/** The upstream endpoint whose response a {@link UsageTap} reads. */
public enum TapKind {
  /** Anthropic {@code POST /v1/messages}. */
  ANTHROPIC_MESSAGES,
  /** OpenAI {@code POST /v1/responses}. */
  OPENAI_RESPONSES,
  /** OpenAI {@code POST /v1/chat/completions}. */
  OPENAI_CHAT
}
