package dev.abg.proxy.tap;

import dev.abg.spend.Usage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Anthropic's {@code usage} object, field by field, as last reported. Each {@link #read(JsonNode)} replaces only the fields
 * it carries with valid values, which gives {@code message_delta} its semantics: {@code output_tokens} is cumulative (replaced,
 * never added), and the input and cache fields that newer API versions repeat there replace those of {@code message_start}.
 *
 * <p>Cache writes: {@code cache_creation_input_tokens} is the total; {@code cache_creation.ephemeral_5m_input_tokens} and
 * {@code ephemeral_1h_input_tokens} split it. Without the split the whole total is a 5-minute write; with it, any part of the
 * total that the split does not account for is added to the 5-minute writes (the cheaper tier is the conservative reading of
 * an unexplained remainder that still must be paid).
 */
final class AnthropicUsageFields {

  private static final long UNKNOWN = -1;

  private long input = UNKNOWN;
  private long cacheCreation = UNKNOWN;
  private long cache5m = UNKNOWN;
  private long cache1h = UNKNOWN;
  private long cacheRead = UNKNOWN;
  private long output = UNKNOWN;

  /** Takes the valid fields of a {@code usage} object; ignores a {@code null} or non-object node. */
  void read(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    input = pick(Json.tokens(usage, "input_tokens"), input);
    cacheCreation = pick(Json.tokens(usage, "cache_creation_input_tokens"), cacheCreation);
    cacheRead = pick(Json.tokens(usage, "cache_read_input_tokens"), cacheRead);
    output = pick(Json.tokens(usage, "output_tokens"), output);
    JsonNode split = Json.child(usage, "cache_creation");
    cache5m = pick(Json.tokens(split, "ephemeral_5m_input_tokens"), cache5m);
    cache1h = pick(Json.tokens(split, "ephemeral_1h_input_tokens"), cache1h);
  }

  boolean hasInput() {
    return input != UNKNOWN;
  }

  Usage toUsage() {
    long write1h = Math.max(cache1h, 0);
    long write5m;
    if (cache5m == UNKNOWN && cache1h == UNKNOWN) {
      write5m = Math.max(cacheCreation, 0);
    } else {
      write5m = Math.max(cache5m, 0);
      long unexplained = cacheCreation - write5m - write1h;
      if (unexplained > 0) {
        write5m += unexplained;
      }
    }
    return Usage.anthropic(Math.max(input, 0), write5m, write1h, Math.max(cacheRead, 0), Math.max(output, 0));
  }

  private static long pick(long candidate, long previous) {
    return candidate == UNKNOWN ? previous : candidate;
  }
}
