package dev.abg.spend.price;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.abg.spend.Provider;

/**
 * The prices of one model key, in pico-dollars per token ({@code $/MTok × 10^6}: $5.00/MTok is {@code 5_000_000}),
 * so that every price is an exact integer and costs are summed without rounding.
 *
 * <p>{@code null} means the table has no such price; {@link PriceTable} says how such a component is charged.
 * Anthropic models use {@code cacheWrite5m}, {@code cacheWrite1h} and {@code cacheRead}; OpenAI models use
 * {@code cachedInput} and (gpt-5.6 family) {@code cacheWrite}.
 *
 * @param model the key, lower case (e.g. {@code claude-sonnet-4-5-20250929})
 * @param provider the provider whose table row this is
 * @param family the family the unknown-model rule groups by, derived from the key: {@code claude-opus},
 *     {@code gpt} (the flagships), {@code gpt-codex-mini}, {@code o-mini}
 * @param rank the version in the key as {@code major × 100 + minor} ({@code claude-opus-4-8} → 408, {@code gpt-5.4}
 *     → 504, {@code o3} → 300); it orders models within a family, newest highest
 * @param input price of an input token (Anthropic: uncached; OpenAI: uncached part of the input)
 * @param output price of an output token (OpenAI: reasoning tokens included)
 * @param cacheWrite5m Anthropic 5-minute cache write
 * @param cacheWrite1h Anthropic 1-hour cache write
 * @param cacheRead Anthropic cache read
 * @param cachedInput OpenAI cached input
 * @param cacheWrite OpenAI cache write
 * @param tier the long-context tier, or {@code null} when the model has none
 * @param usMultiplier Anthropic US-only inference ({@code usage.inference_geo: "us"}): the factor on the token cost, in
 *     millionths; {@code null}: the published 1.1
 * @param webSearch a web search run by the provider, in pico-dollars per call; {@code null}: the published $10 per 1,000
 * @param variants the prices under another speed or processing tier ({@code fast}, {@code flex}, {@code ultrafast}),
 *     keyed by that name, and by {@code name@YYYY-MM-DD} for a price that applies from that date (UTC) on
 */
public record ModelPrice(
    String model,
    Provider provider,
    String family,
    int rank,
    long input,
    long output,
    Long cacheWrite5m,
    Long cacheWrite1h,
    Long cacheRead,
    Long cachedInput,
    Long cacheWrite,
    Tier tier,
    Long usMultiplier,
    Long webSearch,
    Map<String, ModelPrice> variants) {

  /**
   * A long-context tier: once a request's prompt is above {@code thresholdTokens}, the whole request is priced at
   * these prices; a component without a tier price keeps its base price. The prompt is input + cache writes + cache
   * reads for Anthropic, and the input tokens (cached included) for OpenAI.
   *
   * @param thresholdTokens prompt size that must be exceeded (200000 for Anthropic, 272000 for OpenAI)
   * @param input tier input price, pico-dollars per token, or {@code null}
   * @param output tier output price, or {@code null}
   * @param cacheWrite5m tier 5-minute cache write price, or {@code null}
   * @param cacheWrite1h tier 1-hour cache write price, or {@code null}
   * @param cacheRead tier cache read price, or {@code null}
   * @param cachedInput tier cached input price, or {@code null}
   * @param cacheWrite tier OpenAI cache write price, or {@code null}
   */
  public record Tier(long thresholdTokens, Long input, Long output, Long cacheWrite5m, Long cacheWrite1h, Long cacheRead, Long cachedInput,
                     Long cacheWrite) {

    public Tier {
      if (thresholdTokens < 0) {
        throw new IllegalArgumentException("tier threshold must not be negative");
      }
    }

    /** A tier without an OpenAI cache-write price. */
    public Tier(long thresholdTokens, Long input, Long output, Long cacheWrite5m, Long cacheWrite1h, Long cacheRead, Long cachedInput) {
      this(thresholdTokens, input, output, cacheWrite5m, cacheWrite1h, cacheRead, cachedInput, null);
    }

    /** Whether a request whose prompt has this many tokens is priced at this tier. */
    public boolean appliesTo(long promptTokens) {
      return promptTokens > thresholdTokens;
    }
  }

  public ModelPrice {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(family, "family");
    if (input < 0 || output < 0) {
      throw new IllegalArgumentException("prices must not be negative");
    }
    variants = variants == null ? Map.of() : Map.copyOf(variants);
  }

  /** A model with no dimension prices of its own (US-only and web search at their published defaults, no variants). */
  public ModelPrice(String model, Provider provider, String family, int rank, long input, long output, Long cacheWrite5m, Long cacheWrite1h,
                    Long cacheRead, Long cachedInput, Long cacheWrite, Tier tier) {
    this(model, provider, family, rank, input, output, cacheWrite5m, cacheWrite1h, cacheRead, cachedInput, cacheWrite, tier, null, null, Map.of());
  }

  /** This entry with its variants. */
  ModelPrice withVariants(Map<String, ModelPrice> byName) {
    return new ModelPrice(model, provider, family, rank, input, output, cacheWrite5m, cacheWrite1h, cacheRead, cachedInput, cacheWrite, tier,
        usMultiplier, webSearch, byName);
  }

  /**
   * The prices of a variant on {@code day} (UTC): the entry named {@code name@DATE} with the latest date not after it, else
   * the one named {@code name}; empty when the model has no such variant.
   */
  public java.util.Optional<ModelPrice> variant(String name, java.time.LocalDate day) {
    ModelPrice chosen = variants.get(name);
    java.time.LocalDate chosenFrom = null;
    for (Map.Entry<String, ModelPrice> v : variants.entrySet()) {
      String key = v.getKey();
      if (key.startsWith(name + "@")) {
        java.time.LocalDate from = java.time.LocalDate.parse(key.substring(name.length() + 1));
        if (!from.isAfter(day) && (chosenFrom == null || from.isAfter(chosenFrom))) {
          chosen = v.getValue();
          chosenFrom = from;
        }
      }
    }
    return java.util.Optional.ofNullable(chosen);
  }

  /** Shows a price in pico-dollars per token as US dollars per million tokens (at least two decimals). */
  public static BigDecimal usdPerMTok(long picoPerToken) {
    return PriceValues.usdPerMTok(picoPerToken);
  }

  /**
   * Every price this model has, in US dollars per million tokens, keyed by the config file's field names
   * ({@code input}, {@code output}, {@code cache_write_5m}, …, {@code tier_input}, …), in that order. The tier
   * threshold is in {@link #tier()}.
   */
  public Map<String, BigDecimal> pricesUsdPerMTok() {
    Map<String, BigDecimal> prices = new LinkedHashMap<>();
    fields().forEach((field, value) -> {
      if (field.isPrice()) {
        prices.put(field.key(), usdPerMTok(value));
      }
    });
    return Collections.unmodifiableMap(prices);
  }

  /** The numeric fields this model has (prices and the tier threshold), for merging overrides. */
  Map<PriceField, Long> fields() {
    Map<PriceField, Long> fields = new EnumMap<>(PriceField.class);
    for (PriceField field : PriceField.values()) {
      Long value = get(field);
      if (value != null) {
        fields.put(field, value);
      }
    }
    return fields;
  }

  /** A numeric field's value, or {@code null} when absent ({@link PriceField#PROVIDER} is always {@code null}). */
  Long get(PriceField field) {
    return switch (field) {
      case PROVIDER -> null;
      case INPUT -> input;
      case OUTPUT -> output;
      case CACHE_WRITE_5M -> cacheWrite5m;
      case CACHE_WRITE_1H -> cacheWrite1h;
      case CACHE_READ -> cacheRead;
      case CACHED_INPUT -> cachedInput;
      case CACHE_WRITE -> cacheWrite;
      case TIER_THRESHOLD -> tier == null ? null : tier.thresholdTokens();
      case TIER_INPUT -> tier == null ? null : tier.input();
      case TIER_OUTPUT -> tier == null ? null : tier.output();
      case TIER_CACHE_WRITE_5M -> tier == null ? null : tier.cacheWrite5m();
      case TIER_CACHE_WRITE_1H -> tier == null ? null : tier.cacheWrite1h();
      case TIER_CACHE_READ -> tier == null ? null : tier.cacheRead();
      case TIER_CACHED_INPUT -> tier == null ? null : tier.cachedInput();
      case TIER_CACHE_WRITE -> tier == null ? null : tier.cacheWrite();
      case US_MULTIPLIER -> usMultiplier;
      case WEB_SEARCH -> webSearch;
    };
  }

  /**
   * The price of a component as charged for a request: the tier price when {@code tiered} and the tier has one,
   * else the base price; {@code null} when the model has neither.
   */
  Long charged(PriceField base, boolean tiered) {
    PriceField tierField = tierFieldOf(base);
    if (tiered && tier != null && tierField != null) {
      Long tierPrice = get(tierField);
      if (tierPrice != null) {
        return tierPrice;
      }
    }
    return get(base);
  }

  private static PriceField tierFieldOf(PriceField base) {
    return switch (base) {
      case INPUT -> PriceField.TIER_INPUT;
      case OUTPUT -> PriceField.TIER_OUTPUT;
      case CACHE_WRITE_5M -> PriceField.TIER_CACHE_WRITE_5M;
      case CACHE_WRITE_1H -> PriceField.TIER_CACHE_WRITE_1H;
      case CACHE_READ -> PriceField.TIER_CACHE_READ;
      case CACHED_INPUT -> PriceField.TIER_CACHED_INPUT;
      case CACHE_WRITE -> PriceField.TIER_CACHE_WRITE;
      default -> null;
    };
  }
}
