package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class MoneyTests {

  @Test
  void shouldWriteDollarsExactlyWithoutTrailingZerosOrExponent() {
    assertEquals("0", Money.usd(0).toString());
    assertEquals("5", Money.usd(5_000_000).toString());
    assertEquals("50", Money.usd(50_000_000).toString());
    assertEquals("1000000", Money.usd(Money.MAX_MICROS).toString());
    assertEquals("0.019143", Money.usd(19_143).toString());
    assertEquals("0.5", Money.usd(500_000).toString());
    assertEquals("0.000001", Money.usd(1).toString());
    assertEquals("-1.5", Money.usd(-1_500_000).toString());
  }

  @Test
  void shouldEqualTheStrippedDecimalForEveryAmount() {
    long[] samples = {0, 1, 9, 10, 11, 100, 120, 999_999, 1_000_000, 1_000_001, 4_999_122, 10_000_000, 123_450_000, -10, -999_990, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long micros : samples) {
      BigDecimal stripped = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
      BigDecimal expected = stripped.scale() < 0 ? stripped.setScale(0) : stripped;
      assertEquals(expected, Money.usd(micros), "micros " + micros);
    }
    for (long micros = -2_000_000; micros <= 2_000_000; micros += 997) {
      BigDecimal stripped = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
      assertEquals(stripped.scale() < 0 ? stripped.setScale(0) : stripped, Money.usd(micros), "micros " + micros);
    }
  }
}
