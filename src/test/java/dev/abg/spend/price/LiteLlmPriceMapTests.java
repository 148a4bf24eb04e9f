package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/**
 * A price map in LiteLLM's format ({@code model_prices_and_context_window.json}; the excerpt's entries are copied from
 * BerriAI/litellm at commit 00035b69, plus a new model and a broken one) taken into the table: every expected cost here is
 * worked out from the excerpt's per-token prices.
 */
class LiteLlmPriceMapTests {

  private static final Instant DEC_2026 = Instant.parse("2026-12-04T12:00:00Z");

  static String excerpt() throws IOException {
    try (InputStream in = LiteLlmPriceMapTests.class.getResourceAsStream("/pricing/litellm-excerpt.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static PriceTable table() throws IOException {
    return PriceTable.builtIn().withPriceMap(LiteLlmPriceMap.read(excerpt(), PriceTable.builtIn()));
  }

  @Test
  void shouldTakeTheAnthropicAndOpenAiEntriesAndRefuseABadOne() throws IOException {
    LiteLlmPriceMap.Rows rows = LiteLlmPriceMap.read(excerpt(), PriceTable.builtIn());
    // claude-opus-4-6, claude-sonnet-4-5, gpt-5.6-sol, gpt-7-preview; azure/…, gemini and sample_spec are not ours
    assertEquals(4, rows.models());
    assertEquals(1, rows.refused().size(), rows.refused().toString());
    assertTrue(rows.refused().get(0).startsWith("broken-model: input_cost_per_token = -0.000001 is not a price"), rows.refused().get(0));
    assertFalse(rows.props().keySet().stream().anyMatch(k -> k.startsWith("azure") || k.startsWith("gemini")));
  }

  @Test
  void shouldPriceWhatTheMapSays() throws IOException {
    PriceTable table = table();
    assertTrue(table.version().matches("builtin-2026-12-04\\+file-[0-9a-f]{8}"), table.version());
    // gpt-5.6-sol as the map has it (5 / 0.50 / write 6.25 / 30): 10000 in (2000 cached, 1000 written): 7000 × 5 = 35000;
    // 2000 × 0.50 = 1000; 1000 × 6.25 = 6250; 500 out × 30 = 15000
    assertEquals(57_250, table.price(Provider.OPENAI, "gpt-5.6-sol", Usage.openAi(10_000, 2000, 1000, 500, 0), DEC_2026).costMicros());
    // its _priority columns are the fast variant (10 / 1.00 / 12.50 / 60): 70000 + 2000 + 12500 + 30000
    Usage fast = Usage.openAi(10_000, 2000, 1000, 500, 0).withDimensions(new Usage.Dimensions(null, null, "priority", 0, 0));
    assertEquals(114_500, table.price(Provider.OPENAI, "gpt-5.6-sol", fast, DEC_2026).costMicros());
    // _flex (2.50 / 0.25 / 3.125 / 15): 17500 + 500 + 3125 + 7500
    Usage flex = Usage.openAi(10_000, 2000, 1000, 500, 0).withDimensions(new Usage.Dimensions(null, null, "flex", 0, 0));
    assertEquals(28_625, table.price(Provider.OPENAI, "gpt-5.6-sol", flex, DEC_2026).costMicros());
    // above 272k (10 / 1.00 / 12.50 / 45): 300000 in × 10 = 3000000; 1000 out × 45 = 45000
    assertEquals(3_045_000, table.price(Provider.OPENAI, "gpt-5.6-sol", Usage.openAi(300_000, 0, 0, 1000, 0), DEC_2026).costMicros());
    // a model the built-in table lacks (3 / 0.30 / 12), not a fallback any more: 1000 × 3 + 100 × 12 = 4200
    Priced added = table.price(Provider.OPENAI, "gpt-7-preview", Usage.openAi(1000, 0, 0, 100, 0), DEC_2026);
    assertEquals(new Priced(4_200, "gpt-7-preview", false, table.version()), added);
  }

  @Test
  void shouldTakeTheClaudeTierFastMultipleUsOnlyAndWebSearch() throws IOException {
    PriceTable table = table();
    // sonnet 4.5 above 200k with a 1-hour tier write of 12: 10 × 6 + 3000 × 12 + 250000 × 0.60 + 800 × 22.50 = 60 + 36000 + 150000 + 18000
    assertEquals(204_060, table.price(Provider.ANTHROPIC, "claude-sonnet-4-5", Usage.anthropic(10, 0, 3000, 250_000, 800), DEC_2026).costMicros());
    // opus 4.6: provider_specific_entry.fast 6 × (the built-in table's fast card agrees: 30 / 150): 1000 × 30 + 100 × 150 = 45000
    Usage fast = Usage.anthropic(1000, 0, 0, 0, 100).withDimensions(new Usage.Dimensions("fast", null, null, 0, 0));
    assertEquals(45_000, table.price(Provider.ANTHROPIC, "claude-opus-4-6", fast, DEC_2026).costMicros());
    // us 1.1 and search_context_cost_per_query 0.01: (1000 × 5 + 100 × 25) × 1.1 = 8250, + 1 search × 10000
    Usage us = Usage.anthropic(1000, 0, 0, 0, 100).withDimensions(new Usage.Dimensions(null, "us", null, 1, 0));
    assertEquals(18_250, table.price(Provider.ANTHROPIC, "claude-opus-4-6", us, DEC_2026).costMicros());
  }

  @Test
  void shouldLetTheConfigOverridesBeatTheMap() throws IOException {
    PriceTable table = table().withOverrides(Map.of("gpt-5.6-sol.input", "4"));
    // input 4 from the config, the rest from the map: 7000 × 4 + 1000 + 6250 + 15000
    assertEquals(50_250, table.price(Provider.OPENAI, "gpt-5.6-sol", Usage.openAi(10_000, 2000, 1000, 500, 0), DEC_2026).costMicros());
  }

  @Test
  void shouldRefuseTextThatIsNoPriceMap() {
    assertThrows(IOException.class, () -> LiteLlmPriceMap.read("[1, 2, 3]", PriceTable.builtIn()));
    assertThrows(IOException.class, () -> LiteLlmPriceMap.read("{\"gpt-5\": {", PriceTable.builtIn()));
  }
}
