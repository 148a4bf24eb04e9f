package dev.abg.spend.price;

import java.math.BigDecimal;
import java.util.Locale;

import dev.abg.spend.Provider;

/**
 * Parses and formats the values of price entries. A price is written in US dollars per million tokens and kept as
 * pico-dollars per token: {@code $/MTok × 10^6}, so $5.00/MTok is 5_000_000 and every price with at most six
 * decimals is an exact {@code long}.
 */
final class PriceValues {

  /** The largest price accepted, in $/MTok: far above any real price, and small enough that no sum wraps. */
  static final BigDecimal MAX_USD_PER_MTOK = BigDecimal.valueOf(1_000_000);
  static final String PRICE_RULE = "a price in US dollars per million tokens, a plain number >= 0 and <= 1000000 with at most 6 decimals (e.g. 3.75)";
  static final String TOKENS_RULE = "a whole number of prompt tokens >= 0 (e.g. 200000)";
  static final String PROVIDER_RULE = "anthropic or openai";
  static final String MULTIPLIER_RULE = "a factor >= 1 and <= 100 with at most 6 decimals (e.g. 1.1)";
  static final String PER_THOUSAND_RULE = "US dollars per 1,000 calls, a plain number >= 0 and <= 100000 with at most 6 decimals (e.g. 10)";
  /** A multiplier of one, in millionths. */
  static final long ONE = 1_000_000L;

  private PriceValues() {
  }

  /** Parses a $/MTok price into pico-dollars per token; {@code label} names the key in the error message. */
  static long picoPerToken(String label, String value) {
    BigDecimal usd = decimal(label, value, PRICE_RULE);
    if (usd.signum() < 0 || usd.compareTo(MAX_USD_PER_MTOK) > 0 || usd.stripTrailingZeros().scale() > 6) {
      throw bad(label, value, PRICE_RULE);
    }
    return usd.movePointRight(6).longValueExact();
  }

  /** Parses a multiplier into millionths. */
  static long multiplier(String label, String value) {
    BigDecimal factor = decimal(label, value, MULTIPLIER_RULE);
    if (factor.compareTo(BigDecimal.ONE) < 0 || factor.compareTo(BigDecimal.valueOf(100)) > 0 || factor.stripTrailingZeros().scale() > 6) {
      throw bad(label, value, MULTIPLIER_RULE);
    }
    return factor.movePointRight(6).longValueExact();
  }

  /** Parses US dollars per 1,000 calls into pico-dollars per call ($10 per 1,000 is 10_000_000_000). */
  static long picoPerCall(String label, String value) {
    BigDecimal usd = decimal(label, value, PER_THOUSAND_RULE);
    if (usd.signum() < 0 || usd.compareTo(BigDecimal.valueOf(100_000)) > 0 || usd.stripTrailingZeros().scale() > 6) {
      throw bad(label, value, PER_THOUSAND_RULE);
    }
    return usd.movePointRight(9).longValueExact();
  }

  /** Shows millionths as a factor: 1_100_000 → 1.1. */
  static BigDecimal factor(long millionths) {
    return BigDecimal.valueOf(millionths, 6).stripTrailingZeros();
  }

  /** Shows pico-dollars per call as US dollars per 1,000 calls: 10_000_000_000 → 10.00. */
  static BigDecimal usdPerThousandCalls(long picoPerCall) {
    BigDecimal usd = BigDecimal.valueOf(picoPerCall, 9).stripTrailingZeros();
    return usd.scale() < 2 ? usd.setScale(2) : usd;
  }

  /** Parses a token count (the tier threshold). */
  static long tokens(String label, String value) {
    BigDecimal tokens = decimal(label, value, TOKENS_RULE);
    if (tokens.signum() < 0 || tokens.stripTrailingZeros().scale() > 0 || tokens.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw bad(label, value, TOKENS_RULE);
    }
    return tokens.longValueExact();
  }

  static Provider provider(String label, String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (Provider provider : Provider.values()) {
      if (provider.wireName().equals(wanted)) {
        return provider;
      }
    }
    throw bad(label, value, PROVIDER_RULE);
  }

  /** Shows pico-dollars per token as $/MTok, with at least two decimals: 3_125_000 → 3.125, 5_000_000 → 5.00. */
  static BigDecimal usdPerMTok(long picoPerToken) {
    BigDecimal usd = BigDecimal.valueOf(picoPerToken, 6).stripTrailingZeros();
    return usd.scale() < 2 ? usd.setScale(2) : usd;
  }

  static IllegalArgumentException bad(String label, String value, String rule) {
    return new IllegalArgumentException(label + " = \"" + value + "\" is not allowed: expected " + rule);
  }

  // BigDecimal also reads "1.0E-6", the way a YAML float can arrive; NaN and Infinity are not numbers to it.
  private static BigDecimal decimal(String label, String value, String rule) {
    if (value == null || value.isBlank()) {
      throw bad(label, value, rule);
    }
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw bad(label, value, rule);
    }
  }
}
