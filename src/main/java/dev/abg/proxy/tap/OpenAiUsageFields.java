package dev.abg.proxy.tap;

import dev.abg.spend.Usage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI's {@code usage} object, field by field, as last reported; the Responses API and Chat Completions name the same
 * counts differently ({@link #responses()}, {@link #chat()}). A field that is missing or invalid keeps its previous value.
 *
 * <p>Cache writes: our references do not document the field for OpenAI models that bill cache writes (the gpt-5.6 family).
 * We <em>assume</em> it sits next to {@code cached_tokens} in the input details, as {@code cache_write_tokens} or
 * {@code cache_creation_tokens} (the first wins when both are present), and like {@code cached_tokens} is part of the input.
 *
 * <p>The counts are made consistent before they become a {@link Usage}: cached reads are at most the input, cache writes at
 * most the rest of the input, reasoning tokens at most the output, so that no derived "uncached input" or "visible output"
 * can go negative.
 *
 * <p>Two price dimensions sit outside {@code usage} and are given by the tap: the response's {@code service_tier} and the
 * number of {@code web_search_call} output items ({@link #serviceTier}, {@link #webSearches}).
 */
final class OpenAiUsageFields {

  private static final long UNKNOWN = -1;

  private final String inputName;
  private final String inputDetailsName;
  private final String outputName;
  private final String outputDetailsName;
  private long input = UNKNOWN;
  private long cached = UNKNOWN;
  private long cacheWrite = UNKNOWN;
  private long output = UNKNOWN;
  private long reasoning = UNKNOWN;
  private String serviceTier;
  private long webSearches;

  private OpenAiUsageFields(String inputName, String inputDetailsName, String outputName, String outputDetailsName) {
    this.inputName = inputName;
    this.inputDetailsName = inputDetailsName;
    this.outputName = outputName;
    this.outputDetailsName = outputDetailsName;
  }

  /** The Responses API's names: {@code input_tokens}, {@code input_tokens_details}, {@code output_tokens}, ... */
  static OpenAiUsageFields responses() {
    return new OpenAiUsageFields("input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details");
  }

  /** Chat Completions' names: {@code prompt_tokens}, {@code prompt_tokens_details}, {@code completion_tokens}, ... */
  static OpenAiUsageFields chat() {
    return new OpenAiUsageFields("prompt_tokens", "prompt_tokens_details", "completion_tokens", "completion_tokens_details");
  }

  /** Takes the valid fields of a {@code usage} object; returns true when it held a valid input or output count. */
  boolean read(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return false;
    }
    long newInput = Json.tokens(usage, inputName);
    long newOutput = Json.tokens(usage, outputName);
    input = pick(newInput, input);
    output = pick(newOutput, output);
    JsonNode inputDetails = Json.child(usage, inputDetailsName);
    cached = pick(Json.tokens(inputDetails, "cached_tokens"), cached);
    long write = Json.tokens(inputDetails, "cache_write_tokens");
    cacheWrite = pick(write != UNKNOWN ? write : Json.tokens(inputDetails, "cache_creation_tokens"), cacheWrite);
    reasoning = pick(Json.tokens(Json.child(usage, outputDetailsName), "reasoning_tokens"), reasoning);
    return newInput != UNKNOWN || newOutput != UNKNOWN;
  }

  /** The response's {@code service_tier}; an absent or malformed value keeps the previous one. */
  void serviceTier(String tier) {
    serviceTier = AnthropicUsageFields.pickText(tier, serviceTier);
  }

  /** The web searches the response ran so far: never fewer than already counted. */
  void webSearches(long count) {
    webSearches = Math.max(webSearches, count);
  }

  boolean hasInput() {
    return input != UNKNOWN;
  }

  Usage toUsage() {
    long in = Math.max(input, 0);
    long cachedIn = Math.min(Math.max(cached, 0), in);
    long written = Math.min(Math.max(cacheWrite, 0), in - cachedIn);
    long out = Math.max(output, 0);
    long reasoned = Math.min(Math.max(reasoning, 0), out);
    return Usage.openAi(in, cachedIn, written, out, reasoned).withDimensions(new Usage.Dimensions(null, null, serviceTier, webSearches, 0));
  }

  private static long pick(long candidate, long previous) {
    return candidate == UNKNOWN ? previous : candidate;
  }
}
