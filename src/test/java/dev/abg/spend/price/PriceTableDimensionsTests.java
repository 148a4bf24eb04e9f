package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * The dimensions a response states, priced as the providers publish them (docs/pricing.md, "Dimensions"). Every
 * expected cost is worked out here from the published prices, in micro-dollars: tokens × $/MTok.
 */
class PriceTableDimensionsTests {

  private static final PriceTable TABLE = PriceTable.builtIn();
  private static final Instant DEC_2026 = Instant.parse("2026-12-04T12:00:00Z");

  private static Usage.Dimensions speed(String speed, String geo, long searches) {
    return new Usage.Dimensions(speed, geo, null, searches, 0);
  }

  private static Usage.Dimensions tier(String serviceTier, long searches) {
    return new Usage.Dimensions(null, null, serviceTier, searches, 0);
  }

  private static Priced claude(String model, Usage.Dimensions d) {
    // 1000 input, 2000 5-minute writes, 40000 cache reads, 500 output
    return TABLE.price(Provider.ANTHROPIC, model, Usage.anthropic(1000, 2000, 0, 40_000, 500).withDimensions(d), DEC_2026);
  }

  private static Priced gpt(String model, long input, long cached, long written, long output, Usage.Dimensions d, Instant at) {
    return TABLE.price(Provider.OPENAI, model, Usage.openAi(input, cached, written, output, 0).withDimensions(d), at);
  }

  @Test
  void shouldPriceAnthropicFastModeAtTheFastCard() {
    // opus 5.5 standard (4 / 20, 5m 5, read 0.20): 1000 × 4 = 4000; 2000 × 5 = 10000; 40000 × 0.20 = 8000; 500 × 20 = 10000
    assertEquals(new Priced(32_000, "claude-opus-5-5", false, TABLE.version()), claude("claude-opus-5-5", Usage.Dimensions.STANDARD));
    // fast (8 / 40, 5m 10, read 0.40): 8000 + 20000 + 16000 + 20000 = 64000
    assertEquals(new Priced(64_000, "claude-opus-5-5@fast", false, TABLE.version()), claude("claude-opus-5-5", speed("fast", null, 0)));
    // "standard" is the standard price: a fast request served at standard speed is billed standard
    assertEquals(32_000, claude("claude-opus-5-5", speed("standard", null, 0)).costMicros());
    // opus 4.6 fast (30 / 150, 5m 37.50, read 3): 30000 + 75000 + 120000 + 75000 = 300000
    assertEquals(300_000, claude("claude-opus-4-6", speed("fast", null, 0)).costMicros());
    // fable 5.2 fast (16 / 80, 5m 20, read 0.40): 16000 + 40000 + 16000 + 40000 = 112000
    assertEquals(112_000, claude("claude-fable-5-2", speed("fast", null, 0)).costMicros());
  }

  @Test
  void shouldMultiplyUsOnlyInferenceByOnePointOne() {
    // 32000 × 1.1 = 35200; with fast 64000 × 1.1 = 70400; "global" is the standard price
    assertEquals(35_200, claude("claude-opus-5-5", speed(null, "us", 0)).costMicros());
    assertEquals(70_400, claude("claude-opus-5-5", speed("fast", "us", 0)).costMicros());
    assertEquals(32_000, claude("claude-opus-5-5", speed(null, "global", 0)).costMicros());
  }

  @Test
  void shouldChargeTenDollarsPerThousandWebSearchesOnTop() {
    // sonnet 4.5: 1000 × 3 + 2000 × 3.75 + 40000 × 0.30 + 500 × 15 = 3000 + 7500 + 12000 + 7500 = 30000; 3 searches × 10000 = 30000
    assertEquals(60_000, claude("claude-sonnet-4-5", speed(null, null, 3)).costMicros());
    // the fee is not multiplied by US-only inference: opus 5.5 35200 + 2 × 10000
    assertEquals(55_200, claude("claude-opus-5-5", speed(null, "us", 2)).costMicros());
    // OpenAI web_search_call items: gpt-6.2-sol 1000 in × 2 = 2000; 100 out × 10 = 1000; 2 calls × 10000
    assertEquals(23_000, gpt("gpt-6.2-sol", 1000, 0, 0, 100, tier(null, 2), DEC_2026).costMicros());
  }

  @Test
  void shouldSwitchHaiku55BandsAbove100kPromptTokens() {
    // exactly 100,000 prompt tokens (all reads): 100000 × 0.01 = 1000; 1000 out × 0.50 = 500
    Usage at = Usage.anthropic(0, 0, 0, 100_000, 1000);
    assertEquals(1_500, TABLE.price(Provider.ANTHROPIC, "claude-haiku-5-5", at, DEC_2026).costMicros());
    // 100,001: the whole request, output included, at the upper band: 1 × 0.50 = 0.5; 100000 × 0.05 = 5000; 1000 × 2.50 = 2500
    // = 7500.5 → 7501
    Usage above = Usage.anthropic(1, 0, 0, 100_000, 1000);
    assertEquals(7_501, TABLE.price(Provider.ANTHROPIC, "claude-haiku-5-5", above, DEC_2026).costMicros());
  }

  @Test
  void shouldSwitchTheGpt6FamilyAbove272kInputTokens() {
    // 272,000 uncached: 272000 × 2 = 544000; 1000 out × 10 = 10000
    assertEquals(554_000, gpt("gpt-6.2-sol", 272_000, 0, 0, 1000, Usage.Dimensions.STANDARD, DEC_2026).costMicros());
    // 272,001: 272001 × 4 = 1088004; 1000 × 15 = 15000
    assertEquals(1_103_004, gpt("gpt-6.2-sol", 272_001, 0, 0, 1000, Usage.Dimensions.STANDARD, DEC_2026).costMicros());
    // above it, cache reads and writes double too: 300000 in (100000 cached, 50000 written): 150000 × 4 = 600000;
    // 100000 × 0.20 = 20000; 50000 × 5 = 250000; 1000 × 15 = 15000
    assertEquals(885_000, gpt("gpt-6.2-sol", 300_000, 100_000, 50_000, 1000, Usage.Dimensions.STANDARD, DEC_2026).costMicros());
  }

  @Test
  void shouldPriceOpenAiProcessingTiersFromTheResponse() {
    // gpt-6.2-sol standard: 10000 in (8000 cached, 1000 written), 500 out: 1000 × 2 + 8000 × 0.10 + 1000 × 2.50 + 500 × 10 = 10300
    assertEquals(10_300, gpt("gpt-6.2-sol", 10_000, 8000, 1000, 500, tier("default", 0), DEC_2026).costMicros());
    // Fast (the response says "priority" for priority and fast): 2 × = 20600
    assertEquals(new Priced(20_600, "gpt-6.2-sol@fast", false, TABLE.version()), gpt("gpt-6.2-sol", 10_000, 8000, 1000, 500, tier("priority", 0), DEC_2026));
    assertEquals(20_600, gpt("gpt-6.2-sol", 10_000, 8000, 1000, 500, tier("fast", 0), DEC_2026).costMicros());
    // Ultrafast: 3 × through 2027-02-28, 6 × from 2027-03-01
    assertEquals(30_900, gpt("gpt-6.2-sol", 10_000, 8000, 1000, 500, tier("ultrafast", 0), Instant.parse("2027-02-28T23:59:59Z")).costMicros());
    assertEquals(61_800, gpt("gpt-6.2-sol", 10_000, 8000, 1000, 500, tier("ultrafast", 0), Instant.parse("2027-03-01T00:00:00Z")).costMicros());
    // gpt-6-sol Flex, half: 10000 × 1 + 1000 × 5 = 15000 (standard 30000)
    assertEquals(15_000, gpt("gpt-6-sol", 10_000, 0, 0, 1000, tier("flex", 0), DEC_2026).costMicros());
    assertEquals(30_000, gpt("gpt-6-sol", 10_000, 0, 0, 1000, tier("auto", 0), DEC_2026).costMicros());
    // gpt-5.5 Fast is 2.5 ×, as published (12.50 / 1.25 / 75): 6000 × 12.50 + 4000 × 1.25 + 1000 × 75 = 155000
    assertEquals(155_000, gpt("gpt-5.5", 10_000, 4000, 0, 1000, tier("priority", 0), DEC_2026).costMicros());
    // gpt-5.6-sol Fast with long context (16 / 1.60 / 60): 300000 × 16 + 1000 × 60 = 4860000
    assertEquals(4_860_000, gpt("gpt-5.6-sol", 300_000, 0, 0, 1000, tier("priority", 0), DEC_2026).costMicros());
  }

  @Test
  void shouldNeverChargeAStatedTierBelowItsDearestPublishedRatio() {
    // gpt-4.1 has no Fast row: 10000 × 2 + 1000 × 8 = 28000, × 2.5 = 70000, flagged
    Priced openAi = gpt("gpt-4.1", 10_000, 0, 0, 1000, tier("priority", 0), DEC_2026);
    assertEquals(new Priced(70_000, "gpt-4.1@fast*2.5", true, TABLE.version()), openAi);
    // claude-sonnet-4-5 has no fast card: 30000 × 6 = 180000
    Priced anthropic = claude("claude-sonnet-4-5", speed("fast", null, 0));
    assertEquals(new Priced(180_000, "claude-sonnet-4-5@fast*6", true, TABLE.version()), anthropic);
    // Flex without a row: the standard price (half of it where published), flagged
    assertEquals(new Priced(28_000, "gpt-4.1@flex*1", true, TABLE.version()), gpt("gpt-4.1", 10_000, 0, 0, 1000, tier("flex", 0), DEC_2026));
  }

  @Test
  void shouldRefuseAVariantThatLacksAPriceItsModelHas() throws Exception {
    String csv = """
        @version test
        model, provider, input, output, cache_write_5m, cache_write_1h, cache_read
        m,     anthropic, 1,    2,      1.25,           2,              0.10
        m@fast, anthropic, 2,   4,      2.50,           4,              -
        """;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PriceTableCsv.read(new StringReader(csv), "test.csv"));
    assertTrue(e.getMessage().contains("m@fast lacks cache_read, which m has"), e.getMessage());
    String unknown = csv.replace("m@fast", "m@turbo").replace("4,              -", "4,              0.2");
    assertTrue(assertThrows(IllegalStateException.class, () -> PriceTableCsv.read(new StringReader(unknown), "test.csv")).getMessage()
        .contains("m@turbo is not a known variant"));
    String orphan = csv.replace("m@fast", "n@fast").replace("4,              -", "4,              0.2");
    assertTrue(assertThrows(IllegalStateException.class, () -> PriceTableCsv.read(new StringReader(orphan), "test.csv")).getMessage()
        .contains("variant n@fast names no model of the table"));
  }

  @Test
  void shouldLetTheConfigOverrideAVariantAndTheDimensionPrices() {
    PriceTable table = TABLE.withOverrides(Map.of("\"claude-opus-5-5@fast\".input", "9", "claude-opus-5-5.us_multiplier", "1.2",
        "claude-opus-5-5.web_search", "20"));
    // fast input 9: 1000 × 9 = 9000 + 20000 + 16000 + 20000 = 65000
    assertEquals(65_000, table.price(Provider.ANTHROPIC, "claude-opus-5-5", Usage.anthropic(1000, 2000, 0, 40_000, 500)
        .withDimensions(speed("fast", null, 0)), DEC_2026).costMicros());
    // 32000 × 1.2 = 38400 + 1 search × 20000
    assertEquals(58_400, table.price(Provider.ANTHROPIC, "claude-opus-5-5", Usage.anthropic(1000, 2000, 0, 40_000, 500)
        .withDimensions(speed(null, "us", 1)), DEC_2026).costMicros());
    assertFalse(table.price(Provider.ANTHROPIC, "claude-opus-5-5", Usage.NONE, DEC_2026).fallback());
  }
}
