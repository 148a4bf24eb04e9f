package dev.abg.spend.price;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * Prices one request: Σ tokens × pico-dollar price per component, in {@code long} arithmetic, then rounded half up
 * to micro-dollars once. The usage is read in the terms of the provider the request went to (see {@link Usage}).
 *
 * <p>A product or sum beyond {@code Long.MAX_VALUE} pico-dollars (about $9.2 million for one request, which only
 * corrupt token counts can reach) saturates instead of wrapping, so that a cap blocks rather than the bill turning
 * negative.
 */
final class CostCalculator {

  static final long PICOS_PER_MICRO = 1_000_000L;

  private CostCalculator() {
  }

  /** The request's cost in micro-dollars, rounded half up. */
  static long costMicros(Provider provider, ModelPrice price, Usage usage) {
    return roundToMicros(costPicos(provider, price, usage));
  }

  /** The request's cost in pico-dollars, exact. */
  static long costPicos(Provider provider, ModelPrice price, Usage usage) {
    return provider == Provider.ANTHROPIC ? anthropic(price, usage) : openAi(price, usage);
  }

  static long roundToMicros(long picos) {
    return picos / PICOS_PER_MICRO + (picos % PICOS_PER_MICRO >= PICOS_PER_MICRO / 2 ? 1 : 0);
  }

  // input excludes the cache; the tier is decided by the whole prompt (input + cache writes + cache reads)
  private static long anthropic(ModelPrice price, Usage usage) {
    long prompt = add(add(usage.inputTokens(), usage.cacheWrite5mTokens()), add(usage.cacheWrite1hTokens(), usage.cacheReadTokens()));
    Rates rates = Rates.of(price, price.tier() != null && price.tier().appliesTo(prompt));
    long cost = times(usage.inputTokens(), rates.input());
    cost = add(cost, times(usage.cacheWrite5mTokens(), rates.cacheWrite5m()));
    cost = add(cost, times(usage.cacheWrite1hTokens(), rates.cacheWrite1h()));
    cost = add(cost, times(usage.cacheReadTokens(), rates.cacheRead()));
    return add(cost, times(usage.outputTokens(), rates.output()));
  }

  // input includes cached input and cache writes; output includes reasoning, which is therefore not added again
  private static long openAi(ModelPrice price, Usage usage) {
    Rates rates = Rates.of(price, price.tier() != null && price.tier().appliesTo(usage.inputTokens()));
    long cacheWrites = add(usage.cacheWrite5mTokens(), usage.cacheWrite1hTokens());
    long uncached = Math.max(0, usage.inputTokens() - usage.cachedInputTokens() - cacheWrites);
    long cost = times(uncached, rates.input());
    cost = add(cost, times(usage.cachedInputTokens(), rates.cachedInput()));
    cost = add(cost, times(cacheWrites, rates.cacheWrite()));
    return add(cost, times(usage.outputTokens(), rates.output()));
  }

  static long times(long tokens, long picoPerToken) {
    long high = Math.multiplyHigh(tokens, picoPerToken);
    long low = tokens * picoPerToken;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * The price charged per token of each component for one request, after the tier and the rules for absent
   * prices: a tier price replaces the base price where the tier has one; Anthropic's 5-minute write defaults to
   * 1.25 × input (rounded up to a whole pico-dollar) and its 1-hour write to 2 × input (docs/pricing.md's rule of thumb,
   * so that an absent price never makes a write cheaper); cache reads and cached input default to each other,
   * then to input; OpenAI cache writes default to the 5-minute write, then to input.
   */
  record Rates(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead, long cachedInput, long cacheWrite) {

    static Rates of(ModelPrice price, boolean tiered) {
      long input = price.charged(PriceField.INPUT, tiered);
      long output = price.charged(PriceField.OUTPUT, tiered);
      Long write5m = price.charged(PriceField.CACHE_WRITE_5M, tiered);
      Long write1h = price.charged(PriceField.CACHE_WRITE_1H, tiered);
      Long read = price.charged(PriceField.CACHE_READ, tiered);
      Long cached = price.charged(PriceField.CACHED_INPUT, tiered);
      Long openAiWrite = price.charged(PriceField.CACHE_WRITE, tiered);
      return new Rates(input, output,
          or(write5m, or(openAiWrite, ceilFiveQuarters(input))),
          or(write1h, times(2, input)),
          or(read, or(cached, input)),
          or(cached, or(read, input)),
          or(openAiWrite, or(write5m, input)));
    }

    private static long or(Long value, long fallback) {
      return value != null ? value : fallback;
    }

    private static long ceilFiveQuarters(long price) {
      return price > Long.MAX_VALUE / 5 ? Long.MAX_VALUE : (price * 5 + 3) / 4;
    }
  }
}
