package dev.abg.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/**
 * The bill of real Claude Code runs (the pinned CLI) against a fake upstream that reports cache-dominated usage and the
 * price dimensions, held against two independent figures: the cost worked out here from the published prices
 * (docs/pricing.md), and Claude Code's own {@code total_cost_usd}, which it computes from the same usage with its own
 * price table. One request per run ({@code claude -p}), so one ledger row per session.
 */
@Timeout(600)
@PackagedProxy(config = {"session_budget_usd: 50"}, resetUpstream = true)
class ClaudeCodeCostIT {

  static final AgentCli cli = AgentCli.fromSystemProperties();

  // every run: 10 input, 2,000 5-minute writes, 3,000 1-hour writes, 40,000 cache reads, 800 output
  private static final long INPUT = 10;
  private static final long WRITE_5M = 2_000;
  private static final long WRITE_1H = 3_000;
  private static final long READ = 40_000;
  private static final long OUTPUT = 800;

  private record Run(String label, long ledgerMicros, long claudeCodeMicros) {
  }

  private static Run run(AbgProcess abg, String label, List<String> args) {
    AgentCli.Result result = cli.claudePrint(abg.baseUrl() + "/s/cost-" + label, "say hi", AgentCli.OutputFormat.JSON, args, Map.of(),
        Duration.ofSeconds(120));
    assertEquals(0, result.exitCode(), result.toString());
    BigDecimal reported = new BigDecimal(String.valueOf(result.stdoutJson().getValue("total_cost_usd")));
    long claudeCode = reported.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    long ledger = abg.ledger().number("SELECT SUM(cost_micros) FROM requests WHERE session_id = 'cost-" + label + "'");
    return new Run(label, ledger, claudeCode);
  }

  @Test
  void shouldBillWhatThePublishedPricesSayAndWhatClaudeCodeComputes(AbgProcess abg, FakeUpstream upstream) {
    upstream.config().anthropicUsage(INPUT, WRITE_5M, WRITE_1H, READ, OUTPUT);
    List<Run> runs = new ArrayList<>();
    List<Long> published = new ArrayList<>();

    // the default model, claude-opus-5-5 (4 / 20, 5m 5, 1h 8, read 0.20): 40 + 10000 + 24000 + 8000 + 16000
    runs.add(run(abg, "default", List.of()));
    published.add(58_040L);
    // claude-opus-4-6 (5 / 25, 6.25, 10, 0.50): 50 + 12500 + 30000 + 20000 + 20000
    runs.add(run(abg, "opus46", List.of("--model", "claude-opus-4-6")));
    published.add(82_550L);
    // claude-sonnet-5-5 (2 / 10, 2.50, 4, 0.10): 20 + 5000 + 12000 + 4000 + 8000
    runs.add(run(abg, "sonnet55", List.of("--model", "claude-sonnet-5-5")));
    published.add(29_020L);
    // claude-haiku-5-5 below 100k prompt tokens (0.10 / 0.50, 0.125, 0.20, 0.01): 1 + 250 + 600 + 400 + 400
    runs.add(run(abg, "haiku55", List.of("--model", "claude-haiku-5-5")));
    published.add(1_651L);

    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      assertEquals(published.get(i), r.ledgerMicros(), r.label() + ": the ledger against the published prices");
      assertEquals(r.claudeCodeMicros(), r.ledgerMicros(), r.label() + ": the ledger against Claude Code's total_cost_usd");
    }
  }

  @Test
  void shouldBillFastModeUsOnlyInferenceAndWebSearchesAsClaudeCodeDoes(AbgProcess abg, FakeUpstream upstream) {
    upstream.config().anthropicUsage(INPUT, WRITE_5M, WRITE_1H, READ, OUTPUT).anthropicDimensions("fast", "us", 2, 1);
    // claude-opus-5-5 fast (8 / 40, 10, 16, 0.40): 80 + 20000 + 48000 + 16000 + 32000 = 116080; US-only × 1.1 = 127688;
    // 2 web searches × $0.01 = 20000 (not multiplied)
    Run fast = run(abg, "fast", List.of());
    assertEquals(147_688, fast.ledgerMicros(), "the ledger against the published prices");
    assertEquals(fast.claudeCodeMicros(), fast.ledgerMicros(), "the ledger against Claude Code's total_cost_usd");
  }

  @Test
  void shouldBillTheHaiku55UpperBandAndSonnet45sLongContextTier(AbgProcess abg, FakeUpstream upstream) {
    // Haiku 5.5 above 100,000 prompt tokens, the whole request at the upper band (0.50 / 2.50, 0.625, 1.00, 0.05):
    // 5 + 1250 + 3000 + 6000 + 2000 = 12255; Claude Code prices the band the same way
    upstream.config().anthropicUsage(INPUT, WRITE_5M, WRITE_1H, 120_000, OUTPUT);
    Run haiku = run(abg, "haiku55-long", List.of("--model", "claude-haiku-5-5"));
    assertEquals(12_255, haiku.ledgerMicros());
    assertEquals(haiku.claudeCodeMicros(), haiku.ledgerMicros());

    // Sonnet 4.5 above 200,000 prompt tokens: the published >200k tier (6 / 22.50, 7.50, 12, 0.60) for the whole request:
    // 60 + 15000 + 36000 + 150000 + 18000 = 219060. Claude Code 2.1.332 has no long-context tier for Sonnet 4.5 and
    // computes the base price, 30 + 7500 + 18000 + 75000 + 12000 = 112530: it is known to be wrong here, and abg bills
    // the published rule.
    upstream.config().anthropicUsage(INPUT, WRITE_5M, WRITE_1H, 250_000, OUTPUT);
    Run sonnet = run(abg, "sonnet45-long", List.of("--model", "claude-sonnet-4-5"));
    assertEquals(219_060, sonnet.ledgerMicros(), "abg bills the published >200k tier");
    assertEquals(112_530, sonnet.claudeCodeMicros(), "Claude Code's figure, without the tier");
  }
}
