package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/** The shipped table holds the providers' published prices of docs/pricing.md, row by row. */
class BuiltInPriceTableTests {

  private static final PriceTable TABLE = PriceTable.builtIn();

  /** Every model key of docs/pricing.md, aliases included. */
  private static final List<String> PRICING_MD_KEYS = List.of(
      "claude-fable-5-2", "claude-mythos-5-2", "claude-fable-5-1", "claude-mythos-5-1", "claude-mythos-5", "claude-mythos-preview",
      "claude-opus-5-5", "claude-opus-5", "claude-sonnet-5-5", "claude-haiku-5-5",
      "gpt-6.2-sol", "gpt-6.2-astra", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6-astra", "gpt-6-sol", "gpt-6-luna",
      "gpt-5.5-pro", "gpt-5.4-pro", "codex-mini-latest", "o3-deep-research", "o4-mini-deep-research", "o1", "o1-pro", "chatgpt-4o-latest",
      "claude-opus-4-8",
      "claude-opus-4-7", "claude-opus-4-7-20260416",
      "claude-opus-4-6", "claude-opus-4-6-20260205",
      "claude-opus-4-5", "claude-opus-4-5-20251101",
      "claude-opus-4-1", "claude-opus-4-1-20250805",
      "claude-opus-4-20250514", "claude-4-opus-20250514",
      "claude-sonnet-5",
      "claude-sonnet-4-6",
      "claude-sonnet-4-5", "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-20250514",
      "claude-3-7-sonnet-20250219",
      "claude-haiku-4-5", "claude-haiku-4-5-20251001",
      "claude-3-5-haiku",
      "claude-3-haiku-20240307",
      "claude-3-opus-20240229",
      "claude-fable-5",
      "gpt-5", "gpt-5-2025-08-07",
      "gpt-5-codex",
      "gpt-5-mini", "gpt-5-mini-2025-08-07",
      "gpt-5-nano",
      "gpt-5-pro",
      "gpt-5-chat", "gpt-5-chat-latest",
      "gpt-5.1", "gpt-5.1-2025-11-13",
      "gpt-5.1-codex",
      "gpt-5.1-codex-max",
      "gpt-5.1-codex-mini",
      "gpt-5.1-chat-latest",
      "gpt-5.2", "gpt-5.2-2025-12-11", "gpt-5.2-codex", "gpt-5.3-codex",
      "gpt-5.2-pro",
      "gpt-5.4", "gpt-5.4-2026-03-05",
      "gpt-5.4-mini", "gpt-5.4-nano",
      "gpt-5.5", "gpt-5.5-2026-04-23",
      "gpt-5.6", "gpt-5.6-sol",
      "gpt-5.6-terra", "gpt-5.6-luna",
      "o3", "o3-2025-04-16",
      "o3-mini",
      "o3-pro",
      "o4-mini", "o4-mini-2025-04-16",
      "gpt-4.1", "gpt-4.1-2025-04-14",
      "gpt-4.1-mini",
      "gpt-4.1-nano",
      "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20",
      "gpt-4o-2024-05-13",
      "gpt-4o-mini");

  private static ModelPrice model(String key) {
    Resolved resolved = TABLE.resolve(Provider.ANTHROPIC, key);
    assertEquals(key, resolved.price().model(), key + " should be an exact key");
    return resolved.price();
  }

  private static long usd(String perMTok) {
    return new BigDecimal(perMTok).movePointRight(6).longValueExact();
  }

  private static void assertRow(String key, Provider provider, String input, String output) {
    ModelPrice price = model(key);
    assertEquals(provider, price.provider(), key);
    assertEquals(usd(input), price.input(), key + " input");
    assertEquals(usd(output), price.output(), key + " output");
  }

  @Test
  void shouldHoldEveryModelOfPricingMd() {
    Set<String> keys = TABLE.models().stream().map(ModelPrice::model).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(PRICING_MD_KEYS), keys);
    assertEquals(PRICING_MD_KEYS.size(), TABLE.models().size());
  }

  @Test
  void shouldNameItsVersionAndLoadOnce() {
    assertEquals("builtin-2026-12-04", TABLE.version());
    assertSame(TABLE, PriceTable.builtIn());
  }

  @Test
  void shouldListModelsSortedByProviderThenKey() {
    List<ModelPrice> models = TABLE.models();
    assertEquals(models.stream().sorted(Comparator.comparing(ModelPrice::provider).thenComparing(ModelPrice::model)).toList(), models);
    assertEquals(Provider.ANTHROPIC, models.get(0).provider());
  }

  @Test
  void shouldHoldAnthropicRows() {
    ModelPrice sonnet45 = model("claude-sonnet-4-5");
    assertEquals(new ModelPrice("claude-sonnet-4-5", Provider.ANTHROPIC, "claude-sonnet", 405,
        3_000_000, 15_000_000, 3_750_000L, 6_000_000L, 300_000L, null, null,
        new ModelPrice.Tier(200_000, 6_000_000L, 22_500_000L, 7_500_000L, 12_000_000L, 600_000L, null)), sonnet45);
    assertRow("claude-opus-4-8", Provider.ANTHROPIC, "5.00", "25.00");
    assertRow("claude-opus-4-1", Provider.ANTHROPIC, "15.00", "75.00");
    assertRow("claude-sonnet-5", Provider.ANTHROPIC, "2.00", "10.00");
    assertRow("claude-fable-5", Provider.ANTHROPIC, "10.00", "50.00");
    assertEquals(usd("12.50"), model("claude-fable-5").cacheWrite5m());
    assertRow("claude-3-5-haiku", Provider.ANTHROPIC, "0.80", "4.00");
    assertEquals(usd("0.08"), model("claude-3-5-haiku").cacheRead());
    assertEquals(usd("1.60"), model("claude-3-5-haiku").cacheWrite1h());
    // the current lineup (platform.claude.com pricing and model pages, Claude Code 2.1.332's catalog)
    assertEquals(new ModelPrice("claude-opus-5-5", Provider.ANTHROPIC, "claude-opus", 505, usd("4"), usd("20"), usd("5"), usd("8"), usd("0.20"), null, null,
        null), model("claude-opus-5-5").withVariants(Map.of()));
    assertRow("claude-opus-5", Provider.ANTHROPIC, "5.00", "25.00");
    assertEquals(usd("0.50"), model("claude-opus-5").cacheRead());
    assertRow("claude-sonnet-5-5", Provider.ANTHROPIC, "2.00", "10.00");
    assertEquals(usd("0.10"), model("claude-sonnet-5-5").cacheRead());
    assertRow("claude-fable-5-2", Provider.ANTHROPIC, "8.00", "40.00");
    assertEquals(usd("16"), model("claude-fable-5-2").cacheWrite1h());
    assertRow("claude-fable-5-1", Provider.ANTHROPIC, "10.00", "50.00");
    assertEquals(usd("0.25"), model("claude-fable-5-1").cacheRead());
    assertEquals(usd("1.00"), model("claude-mythos-5").cacheRead());
    assertEquals(new ModelPrice.Tier(100_000, usd("0.50"), usd("2.50"), usd("0.625"), usd("1.00"), usd("0.05"), null), model("claude-haiku-5-5").tier());
    assertEquals(usd("0.01"), model("claude-haiku-5-5").cacheRead());
    // sonnet-4 has the tier but no tier 1-hour write price
    assertEquals(new ModelPrice.Tier(200_000, 6_000_000L, 22_500_000L, 7_500_000L, null, 600_000L, null), model("claude-sonnet-4-20250514").tier());
  }

  @Test
  void shouldHoldOpenAiRows() {
    assertRow("gpt-5", Provider.OPENAI, "1.25", "10.00");
    assertEquals(usd("0.125"), model("gpt-5").cachedInput());
    assertRow("gpt-5.2-pro", Provider.OPENAI, "21.00", "168.00");
    assertNull(model("gpt-5.2-pro").cachedInput());
    assertEquals(new ModelPrice.Tier(272_000, 5_000_000L, 22_500_000L, null, null, null, 500_000L), model("gpt-5.4").tier());
    assertEquals(new ModelPrice.Tier(272_000, 10_000_000L, 45_000_000L, null, null, null, 1_000_000L), model("gpt-5.5").tier());
    // the gpt-5.6 family as its model pages give it now (Sol's promotional 4 / 20), cache writes at 1.25 x input
    assertRow("gpt-5.6", Provider.OPENAI, "4.00", "20.00");
    assertEquals(usd("5.00"), model("gpt-5.6").cacheWrite());
    assertRow("gpt-5.6-terra", Provider.OPENAI, "2.00", "12.00");
    assertEquals(usd("2.50"), model("gpt-5.6-terra").cacheWrite());
    assertRow("gpt-5.6-luna", Provider.OPENAI, "0.20", "1.20");
    assertEquals(usd("0.25"), model("gpt-5.6-luna").cacheWrite());
    // Codex 0.171.0's default (developers.openai.com models/gpt-6.2-sol): 2 / 0.10 / 2.50 / 10, >272k x2 input and cache, x1.5 output
    assertRow("gpt-6.2-sol", Provider.OPENAI, "2.00", "10.00");
    assertEquals(usd("0.10"), model("gpt-6.2-sol").cachedInput());
    assertEquals(usd("2.50"), model("gpt-6.2-sol").cacheWrite());
    assertEquals(new ModelPrice.Tier(272_000, usd("4"), usd("15"), null, null, null, usd("0.20"), usd("5")), model("gpt-6.2-sol").tier());
    assertRow("gpt-6-luna", Provider.OPENAI, "0.10", "0.50");
    assertRow("o1-pro", Provider.OPENAI, "150.00", "600.00");
    assertEquals(usd("0.275"), model("o4-mini").cachedInput());
    assertRow("gpt-4o-2024-05-13", Provider.OPENAI, "5.00", "15.00");
    assertEquals(usd("1.25"), model("gpt-4o").cachedInput());
  }

  @Test
  void shouldGiveAliasesTheSamePricesAsTheirModel() {
    Map<String, String> aliases = Map.ofEntries(
        Map.entry("claude-opus-4-7-20260416", "claude-opus-4-7"), Map.entry("claude-opus-4-6-20260205", "claude-opus-4-6"),
        Map.entry("claude-opus-4-5-20251101", "claude-opus-4-5"), Map.entry("claude-opus-4-1-20250805", "claude-opus-4-1"),
        Map.entry("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"), Map.entry("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        Map.entry("gpt-5-2025-08-07", "gpt-5"), Map.entry("gpt-5-mini-2025-08-07", "gpt-5-mini"), Map.entry("gpt-5-chat-latest", "gpt-5-chat"),
        Map.entry("gpt-5.1-2025-11-13", "gpt-5.1"), Map.entry("gpt-5.2-2025-12-11", "gpt-5.2"), Map.entry("gpt-5.2-codex", "gpt-5.2"),
        Map.entry("gpt-5.3-codex", "gpt-5.2"), Map.entry("gpt-5.4-2026-03-05", "gpt-5.4"), Map.entry("gpt-5.5-2026-04-23", "gpt-5.5"),
        Map.entry("gpt-5.6-sol", "gpt-5.6"), Map.entry("o3-2025-04-16", "o3"), Map.entry("o4-mini-2025-04-16", "o4-mini"),
        Map.entry("gpt-4.1-2025-04-14", "gpt-4.1"), Map.entry("gpt-4o-2024-08-06", "gpt-4o"), Map.entry("gpt-4o-2024-11-20", "gpt-4o"));
    aliases.forEach((alias, base) -> assertEquals(model(base).fields(), model(alias).fields(), alias));
  }

  @Test
  void shouldHoldTheClaude3OneHourWritesAsAnthropicPublishesThem() {
    // Anthropic's pricing page: Haiku 3 $0.50, Opus 3 $30 (the LiteLLM snapshot had 6.00 for both)
    assertEquals(usd("0.50"), model("claude-3-haiku-20240307").cacheWrite1h());
    assertEquals(usd("30.00"), model("claude-3-opus-20240229").cacheWrite1h());
    // 1000 1h writes × 0.50 = 500 µ$, × 30 = 30000 µ$
    assertEquals(500, TABLE.price(Provider.ANTHROPIC, "claude-3-haiku-20240307", Usage.anthropic(0, 0, 1000, 0, 0)).costMicros());
    assertEquals(30_000, TABLE.price(Provider.ANTHROPIC, "claude-3-opus-20240229", Usage.anthropic(0, 0, 1000, 0, 0)).costMicros());
  }

  @Test
  void shouldChargeMissingOneHourWriteAtTwiceInput() {
    // both Opus 4 names now have the published 1h write of 30.00
    assertEquals(usd("30.00"), model("claude-4-opus-20250514").cacheWrite1h());
    assertEquals(30_000, TABLE.price(Provider.ANTHROPIC, "claude-4-opus-20250514", Usage.anthropic(0, 0, 1000, 0, 0)).costMicros());
    // a model given without one, through the config: 1000 1h writes × 2 × 0.80 = 1600 µ$
    PriceTable noOneHour = TABLE.withOverrides(Map.of("new-claude.provider", "anthropic", "new-claude.input", "0.80", "new-claude.output", "4"));
    assertEquals(1_600, noOneHour.price(Provider.ANTHROPIC, "new-claude", Usage.anthropic(0, 0, 1000, 0, 0)).costMicros());
  }

  @Test
  void shouldHaveTiersPerModelNotPerFamily() {
    for (String key : List.of("claude-opus-5-5", "claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6", "claude-sonnet-5",
        "claude-sonnet-5-5", "claude-fable-5-2", "gpt-4.1", "o3")) {
      assertNull(model(key).tier(), key);
    }
    for (String key : List.of("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514")) {
      assertEquals(200_000, model(key).tier().thresholdTokens(), key);
    }
    assertEquals(100_000, model("claude-haiku-5-5").tier().thresholdTokens());
    for (String key : List.of("gpt-5.4", "gpt-5.4-2026-03-05", "gpt-5.5", "gpt-5.5-2026-04-23", "gpt-5.6", "gpt-5.6-luna", "gpt-6-sol", "gpt-6.2-sol")) {
      assertEquals(272_000, model(key).tier().thresholdTokens(), key);
    }
  }

  @Test
  void shouldNotApplyGpt5NanoPriorityPrice() {
    // base input 0.05, not the snapshot's priority 2.50: 1000000 × 0.05 = 50000 µ$
    assertEquals(50_000, TABLE.price(Provider.OPENAI, "gpt-5-nano", Usage.openAi(1_000_000, 0, 0, 0, 0)).costMicros());
  }

  @Test
  void shouldShowPricesAsUsdPerMTok() {
    Map<String, BigDecimal> terra = model("gpt-5.6-terra").pricesUsdPerMTok();
    assertEquals(List.of("input", "output", "cached_input", "cache_write", "tier_input", "tier_output", "tier_cached_input", "tier_cache_write"),
        List.copyOf(terra.keySet()));
    assertEquals(new BigDecimal("2.00"), terra.get("input"));
    assertEquals(new BigDecimal("2.50"), terra.get("cache_write"));
    assertEquals(new BigDecimal("0.1375"), ModelPrice.usdPerMTok(137_500));
    assertEquals(new BigDecimal("168.00"), ModelPrice.usdPerMTok(168_000_000));
    Map<String, BigDecimal> sonnet = model("claude-sonnet-4-5").pricesUsdPerMTok();
    assertEquals(new BigDecimal("12.00"), sonnet.get("tier_cache_write_1h"));
    assertEquals(new BigDecimal("22.50"), sonnet.get("tier_output"));
  }

  @Test
  void shouldDeriveFamilyAndRankFromTheKey() {
    assertEquals("claude-opus", model("claude-opus-4-8").family());
    assertEquals(408, model("claude-opus-4-8").rank());
    assertEquals("claude-sonnet", model("claude-3-7-sonnet-20250219").family());
    assertEquals(307, model("claude-3-7-sonnet-20250219").rank());
    assertEquals(400, model("claude-opus-4-20250514").rank());
    assertEquals("gpt-codex-max", model("gpt-5.1-codex-max").family());
    assertEquals(501, model("gpt-5.1-codex-max").rank());
    assertEquals("gpt", model("gpt-5.4-2026-03-05").family());
    assertEquals("gpt-chat", model("gpt-5-chat-latest").family());
    assertEquals("gpt-mini", model("gpt-4o-mini").family());
    assertEquals("o-mini", model("o4-mini").family());
    assertEquals(400, model("o4-mini").rank());
  }

  @Test
  void shouldRejectBrokenTables() {
    assertBroken("model, provider, input, output\nx, openai, 1, 2\n", "no @version line");
    assertBroken("@version t\nmodel, provider, input, price\n", "unknown column 'price'");
    assertBroken("@version t\nmodel, provider, input, output\nx, openai, 1, 2\nmodel, input\nx, 3\n", "x.input is given twice");
    assertBroken("@version t\nmodel, provider, input, output\nx, openai, 1\n", "3 cells where the header has 4");
    assertBroken("@version t\nmodel, provider, input\nx, openai, 1\n", "x.output is missing");
    assertBroken("@version t\nx, openai, 1, 2\n", "a row before any header line");
    assertBroken("@version t\nmodel, provider, input, output\nx, openai, 1.1234567, 2\n", "x.input = \"1.1234567\" is not allowed");
  }

  private static void assertBroken(String csv, String expected) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PriceTableCsv.read(new StringReader(csv), "test.csv"));
    assertTrue(e.getMessage().startsWith("test.csv") && e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void shouldReadAMinimalTable() throws Exception {
    PriceTable table = PriceTableCsv.read(new StringReader("# comment\n@version t-1\nmodel, provider, input, output\nX-Model, openai, 1, 2\n"), "test.csv");
    assertEquals("t-1", table.version());
    assertNotNull(table.resolve(Provider.OPENAI, "x-model").price());
  }
}
