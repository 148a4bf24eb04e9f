package dev.abg.proxy.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Usage;

class TapSnapshotTests {

  private static TapSnapshot snapshot(Usage usage, boolean usageReported, long chars) {
    return new TapSnapshot(usage, true, usageReported, false, chars, null, null, null, null);
  }

  @Test
  void shouldRoundTheTextEstimateUp() {
    assertEquals(0, snapshot(Usage.NONE, false, 0).estimatedOutputTokens());
    assertEquals(1, snapshot(Usage.NONE, false, 1).estimatedOutputTokens());
    assertEquals(1, snapshot(Usage.NONE, false, 4).estimatedOutputTokens());
    assertEquals(2, snapshot(Usage.NONE, false, 5).estimatedOutputTokens());
    assertEquals(Long.MAX_VALUE / 4 + 1, snapshot(Usage.NONE, false, Long.MAX_VALUE).estimatedOutputTokens());
  }

  @Test
  void shouldPreferTheLargerOfReportedAndEstimatedOutput() {
    Usage usage = Usage.anthropic(10, 0, 0, 0, 50);

    assertEquals(50, snapshot(usage, false, 40).estimatedOutputTokens());
    assertEquals(100, snapshot(usage, false, 400).estimatedOutputTokens());
  }

  @Test
  void shouldUseTheEstimateOnlyWhenUsageWasNotReported() {
    Usage usage = Usage.anthropic(10, 1, 2, 3, 5);

    assertEquals(Usage.anthropic(10, 1, 2, 3, 25), snapshot(usage, false, 100).usageWithEstimate());
    assertEquals(usage, snapshot(usage, true, 100).usageWithEstimate());
  }

  @Test
  void shouldNeverHoldANullUsage() {
    TapSnapshot snapshot = new TapSnapshot(null, false, false, false, -5, null, null, null, null);

    assertEquals(Usage.NONE, snapshot.usage());
    assertEquals(0, snapshot.streamedTextChars());
    assertEquals(Usage.NONE, snapshot.usageWithEstimate());
  }
}
