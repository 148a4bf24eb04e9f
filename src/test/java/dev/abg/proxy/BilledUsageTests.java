package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.abg.proxy.tap.TapSnapshot;
import dev.abg.spend.Provider;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;

/** The usage arithmetic that decides a billed request's row, without Vert.x: every branch of {@link BilledUsage}. */
class BilledUsageTests {

  private static final long INPUT = 10_000;

  private static TapSnapshot snapshot(Usage usage, boolean inputReported, boolean usageReported, long textChars) {
    return new TapSnapshot(usage, inputReported, usageReported, usageReported, textChars, "m", "id", null, null);
  }

  @Test
  void shouldBillTheReportedUsageAsItIs() {
    Usage reported = Usage.anthropic(10, 2_000, 0, 40_000, 321);
    BilledUsage.Billed billed = BilledUsage.settled(snapshot(reported, true, true, 9_999), 200, false, INPUT);
    assertEquals(new BilledUsage.Billed(reported, UsageSource.REPORTED), billed);
  }

  @Test
  void shouldBillAnErrorAnswerAsReportedEvenWithoutUsage() {
    assertEquals(new BilledUsage.Billed(Usage.NONE, UsageSource.REPORTED), BilledUsage.settled(snapshot(Usage.NONE, false, false, 0), 529, false, INPUT));
    assertEquals(new BilledUsage.Billed(Usage.NONE, UsageSource.REPORTED), BilledUsage.settled(null, 400, false, INPUT));
  }

  @Test
  void shouldBillNothingWhenNoAnswerCameAndTheRequestCannotRunUpstream() {
    assertEquals(new BilledUsage.Billed(Usage.NONE, UsageSource.REPORTED), BilledUsage.settled(null, null, false, INPUT));
  }

  @Test
  void shouldBillTheInputOfARequestThatTimedOutUpstreamAsEstimated() {
    assertEquals(new BilledUsage.Billed(new Usage(INPUT, 0, 0, 0, 0, 0, 0), UsageSource.ESTIMATED), BilledUsage.settled(null, null, true, INPUT));
  }

  @Test
  void shouldKeepTheReportedInputAndEstimateTheOutputOfACutStream() {
    // message_start reported the input; 400 chars of text passed before the stream ended without a final usage
    Usage start = Usage.anthropic(10, 2_000, 0, 40_000, 1);
    BilledUsage.Billed billed = BilledUsage.settled(snapshot(start, true, false, 400), 200, false, INPUT);
    assertEquals(UsageSource.ESTIMATED, billed.source());
    assertEquals(Usage.anthropic(10, 2_000, 0, 40_000, 100), billed.usage());
  }

  @Test
  void shouldBillAtLeastTheKnownInputWhenTheStreamNeverReportedIt() {
    BilledUsage.Billed billed = BilledUsage.settled(snapshot(Usage.NONE, false, false, 40), 200, false, INPUT);
    assertEquals(UsageSource.ESTIMATED, billed.source());
    assertEquals(new Usage(INPUT, 0, 0, 0, 0, 10, 0), billed.usage());
  }

  @Test
  void shouldMeterAnUnreportedInputAtItsLeastPerProvider() {
    TapSnapshot nothingYet = snapshot(Usage.NONE, false, false, 80);
    assertEquals(Usage.anthropic(0, 0, 0, INPUT, 20), BilledUsage.live(nothingYet, Provider.ANTHROPIC, INPUT));
    assertEquals(Usage.openAi(INPUT, INPUT, 0, 20, 0), BilledUsage.live(nothingYet, Provider.OPENAI, INPUT));
  }

  @Test
  void shouldMeterTheReportedInputOnceItIsKnown() {
    Usage start = Usage.anthropic(10, 2_000, 0, 40_000, 1);
    assertEquals(Usage.anthropic(10, 2_000, 0, 40_000, 25), BilledUsage.live(snapshot(start, true, false, 100), Provider.ANTHROPIC, INPUT));
  }
}
