package dev.abg.proxy.tap;

import dev.abg.spend.Usage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Anthropic's {@code usage} object, field by field, as last reported. Each {@link #read(JsonNode)} replaces only the fields
 * it carries with valid values, which gives {@code message_delta} its semantics: {@code output_tokens} is cumulative (replaced,
 * never added), and the input and cache fields that newer API versions repeat there replace those of {@code message_start}.
 *
 * <p>Cache writes: {@code cache_creation_input_tokens} is the total; {@code cache_creation.ephemeral_5m_input_tokens} and
 * {@code ephemeral_1h_input_tokens} split it. Without the split the whole total is a 5-minute write. With it, a part of the
 * total that the split does not account for (server-tool turns report such totals) is billed at the dearer rate the split
 * uses: a 1-hour write when the split has any, else a 5-minute one. No provider page states the rule; this reading never
 * bills such a write below what the turn's own writes cost.
 *
 * <p>The price dimensions ({@link Usage.Dimensions}) are read from the same object: {@code speed}, {@code inference_geo},
 * {@code service_tier} and {@code server_tool_use.web_search_requests} / {@code web_fetch_requests}; in a stream the
 * {@code message_delta} totals supersede {@code message_start}'s.
 */
final class AnthropicUsageFields {

  private static final long UNKNOWN = -1;

  private long input = UNKNOWN;
  private long cacheCreation = UNKNOWN;
  private long cache5m = UNKNOWN;
  private long cache1h = UNKNOWN;
  private long cacheRead = UNKNOWN;
  private long output = UNKNOWN;
  private String speed;
  private String inferenceGeo;
  private String serviceTier;
  private long webSearches = UNKNOWN;
  private long webFetches = UNKNOWN;

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
    speed = pickText(Json.text(usage, "speed"), speed);
    inferenceGeo = pickText(Json.text(usage, "inference_geo"), inferenceGeo);
    serviceTier = pickText(Json.text(usage, "service_tier"), serviceTier);
    JsonNode tools = Json.child(usage, "server_tool_use");
    webSearches = pick(Json.tokens(tools, "web_search_requests"), webSearches);
    webFetches = pick(Json.tokens(tools, "web_fetch_requests"), webFetches);
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
      if (unexplained > 0 && write1h > 0) {
        write1h += unexplained;
      } else if (unexplained > 0) {
        write5m += unexplained;
      }
    }
    return Usage.anthropic(Math.max(input, 0), write5m, write1h, Math.max(cacheRead, 0), Math.max(output, 0))
        .withDimensions(new Usage.Dimensions(speed, inferenceGeo, serviceTier, Math.max(webSearches, 0), Math.max(webFetches, 0)));
  }

  private static long pick(long candidate, long previous) {
    return candidate == UNKNOWN ? previous : candidate;
  }

  /** A short lower-case word (a dimension's value), or the previous one when absent or not such a word. */
  static String pickText(String candidate, String previous) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > 32) {
      return previous;
    }
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return previous;
      }
    }
    return candidate;
  }
}
