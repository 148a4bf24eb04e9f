package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * Exact costs, to the micro-dollar. A price of $X per million tokens is X micro-dollars per token, so every
 * expected value below is tokens × $/MTok, summed by hand.
 */
class PriceTableCostTests {

  private static final PriceTable TABLE = PriceTable.builtIn();

  private static long anthropic(String model, long input, long write5m, long write1h, long read, long output) {
    Priced priced = TABLE.price(Provider.ANTHROPIC, model, Usage.anthropic(input, write5m, write1h, read, output));
    assertFalse(priced.fallback(), model + " should be an exact key");
    assertEquals(model, priced.pricedAs());
    assertEquals("builtin-2026-12-04", priced.priceVersion());
    return priced.costMicros();
  }

  private static long openAi(String model, long input, long cached, long write, long output, long reasoning) {
    Priced priced = TABLE.price(Provider.OPENAI, model, Usage.openAi(input, cached, write, output, reasoning));
    assertFalse(priced.fallback(), model + " should be an exact key");
    assertEquals(model, priced.pricedAs());
    return priced.costMicros();
  }

  @Test
  void shouldPriceInputAndOutput() {
    // claude-sonnet-4-6: 4821 in × 3 + 312 out × 15 = 14463 + 4680 = 19143 µ$
    assertEquals(19_143, anthropic("claude-sonnet-4-6", 4821, 0, 0, 0, 312));
  }

  @Test
  void shouldPriceCacheWrites5mAnd1h() {
    // claude-opus-4-8: 1200 in × 5 = 6000; 3000 5m writes × 6.25 = 18750; 2000 1h writes × 10 = 20000;
    // 450 out × 25 = 11250; total 56000 µ$
    assertEquals(56_000, anthropic("claude-opus-4-8", 1200, 3000, 2000, 0, 450));
  }

  @Test
  void shouldPriceCacheWrites1h() {
    // claude-sonnet-4-5 below its tier: 100 in × 3 = 300; 10000 1h writes × 6 = 60000; 50 out × 15 = 750; total 61050 µ$
    assertEquals(61_050, anthropic("claude-sonnet-4-5", 100, 0, 10_000, 0, 50));
  }

  @Test
  void shouldPriceCacheReads() {
    // claude-haiku-4-5: 15 in × 1 = 15; 48000 reads × 0.10 = 4800; 220 out × 5 = 1100; total 5915 µ$
    assertEquals(5_915, anthropic("claude-haiku-4-5", 15, 0, 0, 48_000, 220));
  }

  @Test
  void shouldPriceWholeAnthropicRequestAtTierAbove200k() {
    // claude-sonnet-4-5, prompt 150000 + 30000 + 10000 + 20000 = 210000 > 200000, so every component at the tier:
    // 150000 × 6 = 900000; 30000 × 7.50 = 225000; 10000 × 12 = 120000; 20000 × 0.60 = 12000; 2000 out × 22.50 = 45000
    // total 1302000 µ$
    assertEquals(1_302_000, anthropic("claude-sonnet-4-5", 150_000, 30_000, 10_000, 20_000, 2000));
    // the dated alias has the same tier
    assertEquals(1_302_000, anthropic("claude-sonnet-4-5-20250929", 150_000, 30_000, 10_000, 20_000, 2000));
  }

  @Test
  void shouldNotApplyTierAtExactly200k() {
    // prompt 140000 + 30000 + 10000 + 20000 = 200000, not above: base prices
    // 140000 × 3 = 420000; 30000 × 3.75 = 112500; 10000 × 6 = 60000; 20000 × 0.30 = 6000; 2000 × 15 = 30000; total 628500 µ$
    assertEquals(628_500, anthropic("claude-sonnet-4-5", 140_000, 30_000, 10_000, 20_000, 2000));
    // one more input token (200001): 140001 × 6 = 840006; + 225000 + 120000 + 12000 + 45000 = 1242006 µ$
    assertEquals(1_242_006, anthropic("claude-sonnet-4-5", 140_001, 30_000, 10_000, 20_000, 2000));
  }

  @Test
  void shouldKeepBasePriceForComponentWithoutTierPrice() {
    // claude-sonnet-4-20250514 has no tier 1h-write price: prompt 150000 + 60000 = 210000 > 200000
    // 150000 × 6 = 900000; 60000 1h writes × 6 (base) = 360000; 1000 out × 22.50 = 22500; total 1282500 µ$
    assertEquals(1_282_500, anthropic("claude-sonnet-4-20250514", 150_000, 0, 60_000, 0, 1000));
  }

  @Test
  void shouldNotApplyTierToModelsWithoutOne() {
    // claude-sonnet-4-6 (1M context, no tier fields): 300000 × 3 = 900000; 1000 × 15 = 15000; total 915000 µ$
    assertEquals(915_000, anthropic("claude-sonnet-4-6", 300_000, 0, 0, 0, 1000));
    // claude-opus-4-8: 500000 × 5 = 2500000; 1000 × 25 = 25000; total 2525000 µ$
    assertEquals(2_525_000, anthropic("claude-opus-4-8", 500_000, 0, 0, 0, 1000));
  }

  @Test
  void shouldPriceGpt5CachedInput() {
    // gpt-5: input 20000 includes 15000 cached: 5000 × 1.25 = 6250; 15000 × 0.125 = 1875; 800 out × 10 = 8000; total 16125 µ$
    assertEquals(16_125, openAi("gpt-5", 20_000, 15_000, 0, 800, 500));
  }

  @Test
  void shouldNotCountReasoningTokensTwice() {
    // output 800 already includes the 500 reasoning tokens: same 16125 µ$ as with reasoning 0
    assertEquals(openAi("gpt-5", 20_000, 15_000, 0, 800, 0), openAi("gpt-5", 20_000, 15_000, 0, 800, 500));
    // gpt-5-mini: 1000 in × 0.25 = 250; 4000 out (3500 of them reasoning) × 2 = 8000; total 8250 µ$
    assertEquals(8_250, openAi("gpt-5-mini", 1000, 0, 0, 4000, 3500));
  }

  @Test
  void shouldPriceGpt5Codex() {
    // gpt-5-codex: 52000 in, 48000 cached: 4000 × 1.25 = 5000; 48000 × 0.125 = 6000; 1500 out × 10 = 15000; total 26000 µ$
    assertEquals(26_000, openAi("gpt-5-codex", 52_000, 48_000, 0, 1500, 1200));
  }

  @Test
  void shouldPriceGpt54AtTierAbove272k() {
    // gpt-5.4, 300000 in > 272000: 100000 uncached × 5 = 500000; 200000 cached × 0.50 = 100000; 4000 out × 22.50 = 90000
    // total 690000 µ$
    assertEquals(690_000, openAi("gpt-5.4", 300_000, 200_000, 0, 4000, 0));
    // exactly 272000 is not above: 272000 × 2.50 = 680000; 1000 × 15 = 15000; total 695000 µ$
    assertEquals(695_000, openAi("gpt-5.4", 272_000, 0, 0, 1000, 0));
    // 272001: 272001 × 5 = 1360005; 1000 × 22.50 = 22500; total 1382505 µ$
    assertEquals(1_382_505, openAi("gpt-5.4", 272_001, 0, 0, 1000, 0));
  }

  @Test
  void shouldPriceGpt55AtTierAbove272k() {
    // gpt-5.5, 400000 in: 300000 × 10 = 3000000; 100000 cached × 1.00 = 100000; 2000 out × 45 = 90000; total 3190000 µ$
    assertEquals(3_190_000, openAi("gpt-5.5", 400_000, 100_000, 0, 2000, 0));
  }

  @Test
  void shouldPriceGpt56CacheWrite() {
    // gpt-5.6 (4 / 0.40 / write 5 / 20): input 10000 includes 2000 cached and 6000 written: 2000 uncached × 4 = 8000;
    // 2000 × 0.40 = 800; 6000 × 5 = 30000; 500 out × 20 = 10000; total 48800 µ$
    assertEquals(48_800, openAi("gpt-5.6", 10_000, 2000, 6000, 500, 0));
    // gpt-5.6-terra: 1000 in, all written: 0 uncached; 1000 × 2.50 = 2500 µ$
    assertEquals(2_500, openAi("gpt-5.6-terra", 1000, 0, 1000, 0, 0));
  }

  @Test
  void shouldChargeCacheWritesAtInputPriceWithoutWritePrice() {
    // gpt-5 has no cache-write price: 600 uncached × 1.25 = 750; 400 written × 1.25 = 500; total 1250 µ$ = 1000 × 1.25
    assertEquals(1_250, openAi("gpt-5", 1000, 0, 400, 0, 0));
  }

  @Test
  void shouldChargeCachedInputAtInputPriceWithoutCachedPrice() {
    // gpt-5-pro has no cached price: 10000 in (8000 cached) × 15 = 150000; 100 out × 120 = 12000; total 162000 µ$
    assertEquals(162_000, openAi("gpt-5-pro", 10_000, 8000, 0, 100, 0));
  }

  @Test
  void shouldClampUncachedInputAtZero() {
    // inconsistent counts (cached + written > input): uncached is 0, not -20
    // gpt-5.6: 80 cached × 0.40 = 32; 40 written × 5 = 200; total 232 µ$
    assertEquals(232, openAi("gpt-5.6", 100, 80, 40, 0, 0));
  }

  @Test
  void shouldRoundHalfUpToMicros() {
    // claude-haiku-4-5 cache reads at 0.10: 5 × 0.10 = 0.5 µ$ → 1; 4 × 0.10 = 0.4 µ$ → 0
    assertEquals(1, anthropic("claude-haiku-4-5", 0, 0, 0, 5, 0));
    assertEquals(0, anthropic("claude-haiku-4-5", 0, 0, 0, 4, 0));
    // gpt-5-nano input at 0.05: 50 × 0.05 = 2.5 µ$ → 3 (half up, not half even); 9 × 0.05 = 0.45 → 0
    assertEquals(3, openAi("gpt-5-nano", 50, 0, 0, 0, 0));
    assertEquals(0, openAi("gpt-5-nano", 9, 0, 0, 0, 0));
    // rounded once, at the end: claude-3-haiku-20240307, 1 in × 0.25 = 0.25 and 9 reads × 0.03 = 0.27; the sum
    // 0.52 µ$ rounds to 1 (rounding each component first would give 0 + 0 = 0)
    assertEquals(1, anthropic("claude-3-haiku-20240307", 1, 0, 0, 9, 0));
  }

  @Test
  void shouldCostNothingForNoUsage() {
    assertEquals(0, anthropic("claude-opus-4-8", 0, 0, 0, 0, 0));
    assertEquals(0, openAi("gpt-5", 0, 0, 0, 0, 0));
  }

  @Test
  void shouldSaturateInsteadOfWrapping() {
    // corrupt token counts must not turn into a small or negative bill
    Priced priced = TABLE.price(Provider.ANTHROPIC, "claude-opus-4-8", Usage.anthropic(Long.MAX_VALUE / 2, 0, 0, 0, Long.MAX_VALUE / 2));
    assertEquals(Long.MAX_VALUE / 1_000_000 + 1, priced.costMicros());
  }
}
