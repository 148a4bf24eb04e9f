package dev.abg.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money is a {@code long} of micro-dollars everywhere; this is the one place that converts it to and from dollars. */
public final class Money {

  public static final long MICROS_PER_USD = 1_000_000L;
  /** The largest cap or raise accepted anywhere: one million dollars. */
  public static final long MAX_MICROS = 1_000_000L * MICROS_PER_USD;

  private Money() {
  }

  /** Exact dollars to micro-dollars; more than six decimals is an error, not a rounding. */
  public static long micros(BigDecimal usd) {
    return usd.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  /**
   * Dollars as the API writes them: exact, without trailing zeros, never in exponent form ({@code 5}, {@code 50},
   * {@code 0.019125}). The zeros are counted off the long: {@code stripTrailingZeros} divides a BigDecimal repeatedly,
   * five times for each session of a status answer.
   */
  public static BigDecimal usd(long micros) {
    long unscaled = micros;
    int scale = 6;
    while (scale > 0 && unscaled % 10 == 0) {
      unscaled /= 10;
      scale--;
    }
    return BigDecimal.valueOf(unscaled, scale);
  }

  /** Dollars with {@code decimals} places, rounded half-up, for messages and log lines: {@code $4.12}. */
  public static String format(long micros, int decimals) {
    return "$" + BigDecimal.valueOf(micros, 6).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
  }

  /**
   * The percent of a cap that {@code spentMicros} is, rounded down (82.5 % is 82): a cap never shows as reached before it
   * is. The one rule for every percent abg prints, the CLI's included (it floors the same way).
   */
  public static long percentOf(long spentMicros, long capMicros) {
    if (capMicros <= 0) {
      return 0;
    }
    return BigDecimal.valueOf(spentMicros).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(capMicros), 0, RoundingMode.DOWN).longValue();
  }

  /** A JSON-friendly decimal string with up to six places and no trailing zeros: {@code 0.019125}. */
  public static String plain(long micros) {
    return usd(micros).toPlainString();
  }
}
