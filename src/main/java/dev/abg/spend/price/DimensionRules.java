package dev.abg.spend.price;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * How the dimensions a response states change its price (docs/pricing.md, "Dimensions").
 *
 * <ul>
 *   <li><b>Speed and processing tier</b> choose a variant of the model's prices: Anthropic {@code usage.speed: "fast"} →
 *       {@code fast}; OpenAI {@code service_tier} {@code priority} or {@code fast} (Priority was renamed Fast on
 *       2026-07-30, and responses say {@code priority} for both) → {@code fast}, {@code flex} → {@code flex},
 *       {@code ultrafast} → {@code ultrafast}; anything else (standard, default, auto, scale) is the standard price. A
 *       variant may change on a date ({@code ultrafast@2027-03-01}); the request's end decides.</li>
 *   <li>A stated tier for which the model has no published price is never cheaper than the dearest published ratio:
 *       Anthropic fast ×6 (Opus 4.6 / 4.7), OpenAI Fast ×2.5 (GPT-5.5), Ultrafast ×6; Flex at the standard price
 *       (Flex is half of it where published). The row is then flagged as priced by rule.</li>
 *   <li><b>US-only inference</b>, Anthropic {@code usage.inference_geo: "us"}: the token cost × the model's
 *       {@code us_multiplier} (published: 1.1 on Opus 4.6, Sonnet 4.6 and newer; older models refuse such requests).</li>
 *   <li><b>Web searches</b> run by the provider (Anthropic {@code server_tool_use.web_search_requests}, OpenAI
 *       {@code web_search_call} items): the model's {@code web_search} fee per call, published $10 per 1,000, added after
 *       the multipliers (the search results' tokens are input already). Web fetches cost their tokens only.</li>
 * </ul>
 */
final class DimensionRules {

  /** US-only inference where the model names no factor of its own: 1.1. */
  static final long DEFAULT_US_MULTIPLIER = 1_100_000;
  /** A web search where the model names no fee of its own: $10 per 1,000 calls, in pico-dollars per call. */
  static final long DEFAULT_WEB_SEARCH = 10_000_000_000L;
  static final long ANTHROPIC_FAST_RULE = 6_000_000;
  static final long OPENAI_FAST_RULE = 2_500_000;
  static final long ULTRAFAST_RULE = 6_000_000;
  static final long FLEX_RULE = PriceValues.ONE;

  /** A priced request: its cost, the prices used ({@code model}, {@code model@fast}, {@code model@fast*2.5}), and whether a rule stood in for a price. */
  record Applied(long costMicros, String pricedAs, boolean byRule) {
  }

  private DimensionRules() {
  }

  /** The variant that the stated dimensions select, or null for the standard price. */
  static String variantOf(Provider provider, Usage.Dimensions d) {
    if (provider == Provider.ANTHROPIC) {
      return d.fast() ? "fast" : null;
    }
    String tier = d.serviceTier();
    if (tier == null) {
      return null;
    }
    return switch (tier) {
      case "priority", "fast" -> "fast";
      case "flex" -> "flex";
      case "ultrafast" -> "ultrafast";
      default -> null;
    };
  }

  static Applied apply(Provider provider, ModelPrice model, Usage usage, Instant at) {
    Usage.Dimensions d = usage.dimensions();
    String variant = variantOf(provider, d);
    ModelPrice prices = model;
    long factor = PriceValues.ONE;
    String pricedAs = model.model();
    boolean byRule = false;
    if (variant != null) {
      Optional<ModelPrice> published = model.variant(variant, at.atZone(ZoneOffset.UTC).toLocalDate());
      if (published.isPresent()) {
        prices = published.get();
        pricedAs = model.model() + "@" + variant;
      } else {
        factor = rule(provider, variant);
        byRule = true;
        pricedAs = model.model() + "@" + variant + "*" + PriceValues.factor(factor).toPlainString();
      }
    }
    long picos = scale(CostCalculator.costPicos(provider, prices, usage), factor);
    if (provider == Provider.ANTHROPIC && d.usOnly()) {
      picos = scale(picos, model.usMultiplier() != null ? model.usMultiplier() : DEFAULT_US_MULTIPLIER);
    }
    long fee = CostCalculator.times(d.webSearches(), model.webSearch() != null ? model.webSearch() : DEFAULT_WEB_SEARCH);
    return new Applied(CostCalculator.roundToMicros(CostCalculator.add(picos, fee)), pricedAs, byRule);
  }

  private static long rule(Provider provider, String variant) {
    return switch (variant) {
      case "fast" -> provider == Provider.ANTHROPIC ? ANTHROPIC_FAST_RULE : OPENAI_FAST_RULE;
      case "ultrafast" -> ULTRAFAST_RULE;
      default -> FLEX_RULE;
    };
  }

  /** {@code picos × millionths / 10^6}, rounded half up to a pico-dollar; saturates like the rest of the arithmetic. */
  static long scale(long picos, long millionths) {
    if (millionths == PriceValues.ONE) {
      return picos;
    }
    BigInteger[] qr = BigInteger.valueOf(picos).multiply(BigInteger.valueOf(millionths)).divideAndRemainder(BigInteger.valueOf(PriceValues.ONE));
    BigInteger rounded = qr[1].compareTo(BigInteger.valueOf(PriceValues.ONE / 2)) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    return rounded.bitLength() >= 63 ? Long.MAX_VALUE : rounded.longValue();
  }
}
