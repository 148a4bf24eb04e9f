package dev.abg.proxy.tap;

import dev.abg.spend.Usage;

/**
 * What a {@link UsageTap} has read from a response so far.
 *
 * @param usage the token counts seen so far, in the provider's own terms (see {@link Usage}); never {@code null}
 *     ({@link Usage#NONE} until something is seen)
 * @param inputReported the input side is known: Anthropic's {@code message_start} (or a JSON body's usage); for OpenAI, whose
 *     input is only reported at the end, it is set together with {@code usageReported}
 * @param usageReported the upstream's final usage was seen: Anthropic {@code message_delta} with usage, OpenAI Responses the
 *     terminal event's usage, Chat Completions the usage chunk, or a JSON body's {@code usage}; when {@code false} the output
 *     side of {@code usage} is at best a lower bound, see {@link #usageWithEstimate()}
 * @param complete the response reached its normal end marker: Anthropic {@code message_stop}, OpenAI Responses
 *     {@code response.completed} / {@code response.incomplete} / {@code response.failed}, Chat Completions {@code [DONE]}, or a
 *     JSON body read in full and well formed. An Anthropic {@code event: error} leaves it {@code false}
 * @param streamedTextChars chars of generated text, tool-call arguments and thinking/reasoning seen in streamed deltas (always 0
 *     for JSON bodies); about 4 chars make a token
 * @param model the model named by the upstream, or {@code null}
 * @param responseId the upstream's message / response / completion id, or {@code null}
 * @param errorType the upstream error's type or code, or {@code null}
 * @param errorMessage the upstream error's message, or {@code null}
 */
public record TapSnapshot(
    Usage usage,
    boolean inputReported,
    boolean usageReported,
    boolean complete,
    long streamedTextChars,
    String model,
    String responseId,
    String errorType,
    String errorMessage) {

  static final TapSnapshot EMPTY = new TapSnapshot(Usage.NONE, false, false, false, 0, null, null, null, null);

  public TapSnapshot {
    usage = usage == null ? Usage.NONE : usage;
    streamedTextChars = Math.max(0, streamedTextChars);
  }

  /** The larger of the reported output tokens and {@code ceil(streamedTextChars / 4)}. */
  public long estimatedOutputTokens() {
    long fromText = streamedTextChars / 4 + (streamedTextChars % 4 == 0 ? 0 : 1);
    return Math.max(usage.outputTokens(), fromText);
  }

  /** {@link #usage()} as reported when {@link #usageReported()}; otherwise with {@link #estimatedOutputTokens()} as its output. */
  public Usage usageWithEstimate() {
    return usageReported ? usage : usage.withOutputTokens(estimatedOutputTokens());
  }
}
