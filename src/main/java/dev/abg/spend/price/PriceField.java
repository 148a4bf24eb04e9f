package dev.abg.spend.price;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fields of one model's price entry. Their names are the column names of the built-in table and the
 * {@code <field>} in the config file's {@code pricing.<model>.<field>} overrides.
 */
enum PriceField {
  PROVIDER("provider", Kind.PROVIDER),
  INPUT("input", Kind.PRICE),
  OUTPUT("output", Kind.PRICE),
  CACHE_WRITE_5M("cache_write_5m", Kind.PRICE),
  CACHE_WRITE_1H("cache_write_1h", Kind.PRICE),
  CACHE_READ("cache_read", Kind.PRICE),
  CACHED_INPUT("cached_input", Kind.PRICE),
  CACHE_WRITE("cache_write", Kind.PRICE),
  TIER_THRESHOLD("tier_threshold", Kind.TOKENS),
  TIER_INPUT("tier_input", Kind.TIER_PRICE),
  TIER_OUTPUT("tier_output", Kind.TIER_PRICE),
  TIER_CACHE_WRITE_5M("tier_cache_write_5m", Kind.TIER_PRICE),
  TIER_CACHE_WRITE_1H("tier_cache_write_1h", Kind.TIER_PRICE),
  TIER_CACHE_READ("tier_cache_read", Kind.TIER_PRICE),
  TIER_CACHED_INPUT("tier_cached_input", Kind.TIER_PRICE),
  TIER_CACHE_WRITE("tier_cache_write", Kind.TIER_PRICE),
  US_MULTIPLIER("us_multiplier", Kind.MULTIPLIER),
  WEB_SEARCH("web_search", Kind.PER_THOUSAND_CALLS);

  /** What a field's value is. */
  enum Kind {
    PROVIDER, PRICE, TOKENS, TIER_PRICE,
    /** A factor on the whole token cost, kept in millionths ({@code 1.1} is 1_100_000). */
    MULTIPLIER,
    /** US dollars per 1,000 calls of a server-side tool, kept in pico-dollars per call. */
    PER_THOUSAND_CALLS
  }

  private final String key;
  private final Kind kind;

  PriceField(String key, Kind kind) {
    this.key = key;
    this.kind = kind;
  }

  String key() {
    return key;
  }

  Kind kind() {
    return kind;
  }

  /** A price in US dollars per million tokens (base or tier), as opposed to the provider or the tier threshold. */
  boolean isPrice() {
    return kind == Kind.PRICE || kind == Kind.TIER_PRICE;
  }

  static Optional<PriceField> byKey(String key) {
    String wanted = key.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.key.equals(wanted)).findFirst();
  }

  /** The field names, comma-separated, for error messages. */
  static String allowedKeys() {
    return Arrays.stream(values()).map(PriceField::key).collect(Collectors.joining(", "));
  }
}
