package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/** The config file's {@code pricing.<model>.<field>} overrides. */
class PriceTableOverridesTests {

  private static final PriceTable BUILT_IN = PriceTable.builtIn();

  private static ModelPrice model(PriceTable table, String key) {
    return table.models().stream().filter(m -> m.model().equals(key)).findFirst().orElseThrow();
  }

  private static IllegalArgumentException rejected(String key, String value) {
    return assertThrows(IllegalArgumentException.class, () -> BUILT_IN.withOverrides(Map.of(key, value)));
  }

  @Test
  void shouldChangeOnlyTheGivenField() {
    PriceTable table = BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4.00"));
    ModelPrice before = model(BUILT_IN, "gpt-5.5");
    ModelPrice after = model(table, "gpt-5.5");

    assertEquals(4_000_000, after.input());
    assertEquals(before.output(), after.output());
    assertEquals(before.cachedInput(), after.cachedInput());
    assertEquals(before.tier(), after.tier());
    assertEquals(Provider.OPENAI, after.provider());
    // 1000 in × 4 = 4000; 100 out × 30 = 3000; total 7000 µ$
    assertEquals(7_000, table.price(Provider.OPENAI, "gpt-5.5", Usage.openAi(1000, 0, 0, 100, 0)).costMicros());
    // the built-in table is not changed
    assertEquals(5_000_000, model(BUILT_IN, "gpt-5.5").input());
    assertEquals(model(BUILT_IN, "gpt-5.4"), model(table, "gpt-5.4"));
  }

  @Test
  void shouldAcceptQuotedModelNames() {
    PriceTable table = BUILT_IN.withOverrides(Map.of("\"gpt-5.5\".output", "25", "\"Claude-Opus-4-8\".cache_write_1h", "12.5"));
    assertEquals(25_000_000, model(table, "gpt-5.5").output());
    assertEquals(12_500_000L, model(table, "claude-opus-4-8").cacheWrite1h());
  }

  @Test
  void shouldAddModelWithTier() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("my-model.input", "1.5");
    props.put("my-model.output", "6");
    props.put("my-model.cached_input", "0.15");
    props.put("my-model.tier_threshold", "100000");
    props.put("my-model.tier_input", "3");
    props.put("my-model.tier_output", "9");
    PriceTable table = BUILT_IN.withOverrides(props);

    ModelPrice added = model(table, "my-model");
    assertEquals(Provider.OPENAI, added.provider());
    assertEquals(new ModelPrice.Tier(100_000, 3_000_000L, 9_000_000L, null, null, null, null), added.tier());
    // 150000 in > 100000, so the tier: 100000 uncached × 3 = 300000; 50000 cached × 0.15 (no tier price: base) = 7500;
    // 1000 out × 9 = 9000; total 316500 µ$
    Priced priced = table.price(Provider.OPENAI, "my-model", Usage.openAi(150_000, 50_000, 0, 1000, 0));
    assertEquals(316_500, priced.costMicros());
    assertFalse(priced.fallback());
    // exactly at the threshold: 50000 × 1.5 = 75000; 50000 × 0.15 = 7500; 1000 × 6 = 6000; total 88500 µ$
    assertEquals(88_500, table.price(Provider.OPENAI, "my-model", Usage.openAi(100_000, 50_000, 0, 1000, 0)).costMicros());
  }

  @Test
  void shouldTakeTheProviderFromTheNameOrTheField() {
    PriceTable table = BUILT_IN.withOverrides(Map.of(
        "claude-opus-5-5.input", "6", "claude-opus-5-5.output", "30",
        "house-model.provider", "Anthropic", "house-model.input", "1", "house-model.output", "2"));
    assertEquals(Provider.ANTHROPIC, model(table, "claude-opus-5-5").provider());
    assertEquals(Provider.ANTHROPIC, model(table, "house-model").provider());
    // no longer a fallback: 1000 in × 6 = 6000; 100 out × 30 = 3000; total 9000 µ$
    Priced priced = table.price(Provider.ANTHROPIC, "claude-opus-5-5", Usage.anthropic(1000, 0, 0, 0, 100));
    assertEquals(new Priced(9_000, "claude-opus-5-5", false, table.version()), priced);
  }

  @Test
  void shouldChangeTheVersion() {
    PriceTable one = BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4.00"));
    PriceTable same = BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4.00"));
    PriceTable other = BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4.01"));
    PriceTable two = BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4.00", "gpt-5.5.output", "30"));

    assertTrue(one.version().matches("builtin-2026-12-04\\+cfg-[0-9a-f]{8}"), one.version());
    assertEquals(one.version(), same.version());
    assertNotEquals(one.version(), other.version());
    assertNotEquals(one.version(), two.version());
    assertEquals(one.version(), one.price(Provider.OPENAI, "gpt-5.5", Usage.NONE).priceVersion());
    assertSame(BUILT_IN, BUILT_IN.withOverrides(Map.of()));
  }

  @Test
  void shouldAcceptSixDecimalsAndRoundOnce() {
    PriceTable table = BUILT_IN.withOverrides(Map.of("tiny.input", "0.000001", "tiny.output", "1.0E-6"));
    assertEquals(1, model(table, "tiny").input());
    assertEquals(1, model(table, "tiny").output());
    // 1 pico-dollar a token: 499999 tokens = 0.499999 µ$ → 0; 500000 = 0.5 µ$ → 1 (half up)
    assertEquals(0, table.price(Provider.OPENAI, "tiny", Usage.openAi(499_999, 0, 0, 0, 0)).costMicros());
    assertEquals(1, table.price(Provider.OPENAI, "tiny", Usage.openAi(500_000, 0, 0, 0, 0)).costMicros());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "abc", "NaN", "Infinity", "1.1234567", "", "1000001", "3,75"})
  void shouldRejectBadPrices(String value) {
    String message = rejected("gpt-5.5.input", value).getMessage();
    assertTrue(message.contains("pricing.gpt-5.5.input"), message);
    assertTrue(message.contains("\"" + value + "\""), message);
    assertTrue(message.contains("at most 6 decimals"), message);
  }

  @Test
  void shouldRejectUnknownField() {
    String message = rejected("gpt-5.5.inptu", "4").getMessage();
    assertTrue(message.contains("pricing.gpt-5.5.inptu"), message);
    assertTrue(message.contains("input, output, cache_write_5m"), message);
  }

  @Test
  void shouldRejectKeyWithoutField() {
    String message = rejected("gpt5", "4").getMessage();
    assertTrue(message.contains("pricing.gpt5"), message);
    assertTrue(message.contains("pricing.<model>.<field>"), message);
  }

  @Test
  void shouldRejectBadProviderAndThreshold() {
    String provider = rejected("my-model.provider", "azure").getMessage();
    assertTrue(provider.contains("pricing.my-model.provider") && provider.contains("anthropic or openai"), provider);
    String threshold = rejected("gpt-5.5.tier_threshold", "272000.5").getMessage();
    assertTrue(threshold.contains("pricing.gpt-5.5.tier_threshold") && threshold.contains("whole number"), threshold);
  }

  @Test
  void shouldRequireInputAndOutputForNewModel() {
    String message = rejected("my-model.input", "1").getMessage();
    assertTrue(message.contains("pricing.my-model.output is missing"), message);
  }

  @Test
  void shouldRequireThresholdForTierPrices() {
    String message = assertThrows(IllegalArgumentException.class, () -> BUILT_IN.withOverrides(Map.of(
        "my-model.input", "1", "my-model.output", "2", "my-model.tier_input", "2"))).getMessage();
    assertTrue(message.contains("pricing.my-model.tier_input needs pricing.my-model.tier_threshold"), message);
    // an existing tier can be changed field by field
    assertEquals(5_500_000L, model(BUILT_IN.withOverrides(Map.of("gpt-5.4.tier_input", "5.5")), "gpt-5.4").tier().input());
    // a threshold alone is no tier
    assertTrue(rejected("gpt-4.1.tier_threshold", "272000").getMessage().contains("needs at least one tier price"));
  }

  @Test
  void shouldRejectTwoKeysForOnePrice() {
    String message = assertThrows(IllegalArgumentException.class,
        () -> BUILT_IN.withOverrides(Map.of("gpt-5.5.input", "4", "GPT-5.5.input", "5"))).getMessage();
    assertTrue(message.contains("pricing.gpt-5.5.input") && message.contains("pricing.GPT-5.5.input"), message);
  }

  @Test
  void shouldKeepAbsentPricesAbsent() {
    ModelPrice added = model(BUILT_IN.withOverrides(Map.of("my-model.input", "1", "my-model.output", "2")), "my-model");
    assertNull(added.cachedInput());
    assertNull(added.tier());
  }
}
