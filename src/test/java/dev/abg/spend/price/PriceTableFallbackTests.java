package dev.abg.spend.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;

/** The unknown-model rule: never free, always flagged, logged once per name. */
class PriceTableFallbackTests {

  private final List<String> warnings = new ArrayList<>();
  private final Logger logger = Logger.getLogger("dev.abg.spend.price");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      String message = record.getMessage();
      Object[] params = record.getParameters();
      warnings.add(params == null || params.length == 0 ? message : String.format(message, params));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  // a fresh table per test, so that "logged once" starts over
  private PriceTable table;

  @BeforeEach
  void setUp() {
    table = PriceTableCsv.builtIn();
    logger.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(capture);
  }

  private void assertFallback(Provider provider, String model, String expected) {
    Resolved resolved = table.resolve(provider, model);
    assertEquals(expected, resolved.price().model(), model);
    assertTrue(resolved.fallback(), model + " should be flagged");
  }

  @Test
  void shouldPriceClaudeCodesDefaultOpus55AtItsOwnPrice() {
    // claude-opus-5-5 (4 / 20): 1000 in × 4 = 4000; 100 out × 20 = 2000; total 6000 µ$, not a fallback any more
    Priced priced = table.price(Provider.ANTHROPIC, "claude-opus-5-5", Usage.anthropic(1000, 0, 0, 0, 100));
    assertEquals(new Priced(6_000, "claude-opus-5-5", false, "builtin-2026-12-04"), priced);
    // a newer Opus falls back to it: 1000 in × 4 + 100 out × 20 = 6000 µ$
    assertEquals(new Priced(6_000, "claude-opus-5-5", true, "builtin-2026-12-04"), table.price(Provider.ANTHROPIC, "claude-opus-6",
        Usage.anthropic(1000, 0, 0, 0, 100)));
  }

  @Test
  void shouldPriceClaudeHaiku55AtItsOwnPrice() {
    // claude-haiku-5-5 (0.10 / 0.50): 1000 in × 0.10 = 100; 100 out × 0.50 = 50; total 150 µ$
    Priced priced = table.price(Provider.ANTHROPIC, "claude-haiku-5-5", Usage.anthropic(1000, 0, 0, 0, 100));
    assertEquals(new Priced(150, "claude-haiku-5-5", false, "builtin-2026-12-04"), priced);
  }

  @Test
  void shouldPriceNewerFamilyMembersAsNewestOfFamily() {
    assertFallback(Provider.ANTHROPIC, "claude-sonnet-9", "claude-sonnet-5-5");
    assertFallback(Provider.ANTHROPIC, "claude-opus-4-9", "claude-opus-5-5");
    assertFallback(Provider.ANTHROPIC, "claude-fable-6", "claude-fable-5-2");
    assertFallback(Provider.OPENAI, "o5-mini", "o4-mini");
    assertFallback(Provider.OPENAI, "o5-pro", "o3-pro");
    assertFallback(Provider.OPENAI, "o5", "o3");
  }

  @Test
  void shouldPriceGpt55CodexAsGpt55() {
    // longest known prefix; gpt-5.5: 10000 in (4000 cached): 6000 × 5 = 30000; 4000 × 0.50 = 2000; 1000 out × 30 = 30000
    // total 62000 µ$
    Priced priced = table.price(Provider.OPENAI, "gpt-5.5-codex", Usage.openAi(10_000, 4000, 0, 1000, 600));
    assertEquals(new Priced(62_000, "gpt-5.5", true, "builtin-2026-12-04"), priced);
  }

  @Test
  void shouldUseLongestKnownPrefixAtDashBoundary() {
    assertFallback(Provider.OPENAI, "gpt-5.1-codex-max-foo", "gpt-5.1-codex-max");
    assertFallback(Provider.OPENAI, "o3-mini-high", "o3-mini");
    assertFallback(Provider.ANTHROPIC, "claude-opus-4-1-fast", "claude-opus-4-1");
  }

  @Test
  void shouldPriceUnknownGptAsNewestFlagship() {
    // no prefix matches ("gpt-7" is no key, and gpt-5 is not a prefix of gpt-5.7 at a dash): family gpt, newest gpt-5.6
    // (the gpt-6 models all have a word: sol, luna, astra, terra)
    assertFallback(Provider.OPENAI, "gpt-7-turbo", "gpt-5.6");
    assertFallback(Provider.OPENAI, "gpt-5.7", "gpt-5.6");
    assertFallback(Provider.OPENAI, "gpt-6.3-sol", "gpt-6.2-sol");
  }

  @Test
  void shouldPreferTheFamilyWithMostMatchingWords() {
    assertFallback(Provider.OPENAI, "gpt-6-codex-mini", "gpt-5.1-codex-mini");
    assertFallback(Provider.OPENAI, "gpt-6-codex", "gpt-5.3-codex");
    assertFallback(Provider.OPENAI, "gpt-6-mini", "gpt-5.4-mini");
    assertFallback(Provider.OPENAI, "gpt-6-pro", "gpt-5.5-pro");
    assertFallback(Provider.OPENAI, "gpt-6.1-luna", "gpt-6-luna");
  }

  @Test
  void shouldStripDateSuffix() {
    assertFallback(Provider.ANTHROPIC, "claude-sonnet-4-6-20261001", "claude-sonnet-4-6");
    assertFallback(Provider.OPENAI, "gpt-5.4-mini-2026-03-17", "gpt-5.4-mini");
    // the undated name of a dated key
    assertFallback(Provider.ANTHROPIC, "claude-sonnet-4", "claude-sonnet-4-20250514");
    assertFallback(Provider.ANTHROPIC, "claude-3-7-sonnet-20250301", "claude-3-7-sonnet-20250219");
  }

  @Test
  void shouldPriceTotallyUnknownModelAsMostExpensiveOfProvider() {
    // most expensive by output: Anthropic 75.00 (claude-opus-4-1 is the newest of those), OpenAI o1-pro 600.00
    assertFallback(Provider.ANTHROPIC, "mystery-model", "claude-opus-4-1");
    assertFallback(Provider.OPENAI, "mystery-model", "o1-pro");
    assertFallback(Provider.ANTHROPIC, "claude-poem-1", "claude-opus-4-1");
    // o1-pro: 1000 in × 150 = 150000; 1000 out × 600 = 600000; total 750000 µ$
    Priced priced = table.price(Provider.OPENAI, "llama-4-70b", Usage.openAi(1000, 0, 0, 1000, 0));
    assertEquals(new Priced(750_000, "o1-pro", true, "builtin-2026-12-04"), priced);
  }

  @Test
  void shouldPriceMissingModelAsMostExpensiveOfProvider() {
    assertFallback(Provider.ANTHROPIC, null, "claude-opus-4-1");
    assertFallback(Provider.OPENAI, "  ", "o1-pro");
  }

  @Test
  void shouldMatchKeysCaseInsensitivelyWithoutFlag() {
    Resolved resolved = table.resolve(Provider.ANTHROPIC, " Claude-Sonnet-4-6 ");
    assertEquals("claude-sonnet-4-6", resolved.price().model());
    assertFalse(resolved.fallback());
    assertFalse(table.resolve(Provider.ANTHROPIC, "claude-4-opus-20250514").fallback());
    assertFalse(table.resolve(Provider.OPENAI, "gpt-5-2025-08-07").fallback());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void shouldResolveNamesAcrossProviders() {
    // a Claude model behind an OpenAI-compatible route keeps its own prices
    Resolved resolved = table.resolve(Provider.OPENAI, "claude-sonnet-4-6");
    assertEquals("claude-sonnet-4-6", resolved.price().model());
    assertFalse(resolved.fallback());
    // read in OpenAI's terms: 1000 in (800 cached, priced at cache_read 0.30): 200 × 3 = 600; 800 × 0.30 = 240;
    // 100 out × 15 = 1500; total 2340 µ$
    assertEquals(2_340, table.price(Provider.OPENAI, "claude-sonnet-4-6", Usage.openAi(1000, 800, 0, 100, 0)).costMicros());
  }

  @Test
  void shouldLogFallbackOncePerModelName() {
    table.price(Provider.ANTHROPIC, "claude-opus-6", Usage.NONE);
    table.price(Provider.ANTHROPIC, "claude-opus-6", Usage.NONE);
    table.resolve(Provider.ANTHROPIC, "claude-opus-6");
    table.price(Provider.OPENAI, "gpt-5.5-codex", Usage.NONE);

    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("[abg] PRICE model=claude-opus-6 is not in price table builtin-2026-12-04: priced as claude-opus-5-5"),
        warnings.get(0));
    assertTrue(warnings.get(1).startsWith("[abg] PRICE model=gpt-5.5-codex is not in price table builtin-2026-12-04: priced as gpt-5.5"),
        warnings.get(1));
  }

  @Test
  void shouldBoundTheNamesItRemembers() {
    FallbackLog log = new FallbackLog("test", 3);
    ModelResolver.Match match = new ModelResolver.Match(table.resolve(Provider.OPENAI, "gpt-5").price(), true, "test");
    for (int i = 0; i < 3; i++) {
      assertTrue(log.once("model-" + i, match));
    }
    assertFalse(log.once("model-0", match));
    assertFalse(log.once("one-name-too-many", match));
  }
}
