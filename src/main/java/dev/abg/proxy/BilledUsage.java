package dev.abg.proxy;

import dev.abg.proxy.tap.TapSnapshot;
import dev.abg.spend.Provider;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;

/**
 * The usage arithmetic of a billed request: what its stream has consumed so far (for metering), and what its ledger row
 * bills once it ends — the upstream's numbers where it reported them, else the least the request can have cost. Pure:
 * no Vert.x, no state; tested on its own.
 */
final class BilledUsage {

  /** What a row bills, and whether the upstream reported it. */
  record Billed(Usage usage, UsageSource source) {
  }

  private BilledUsage() {
  }

  /**
   * Usage as far as the stream has shown it: the upstream's numbers when reported; output estimated from the text that
   * passed; input, until reported (Anthropic's message_start, OpenAI's final event), at its least (all cache reads).
   *
   * @param inputTokens the request's input: counted upstream near the cap, else estimated from its size
   */
  static Usage live(TapSnapshot s, Provider provider, long inputTokens) {
    Usage u = s.usageWithEstimate();
    if (s.inputReported() || s.usageReported()) {
      return u;
    }
    return provider == Provider.ANTHROPIC
        ? Usage.anthropic(0, 0, 0, inputTokens, u.outputTokens())
        : Usage.openAi(inputTokens, inputTokens, 0, u.outputTokens(), 0);
  }

  /**
   * What the ledger row of an ended request bills.
   *
   * @param s                 what the tap read, or null when no response arrived
   * @param upstreamStatus    the upstream's status, or null when no response arrived
   * @param mayRunUpstream    no response arrived, but the request reached the upstream and timed out there: it may be
   *                          running (and billed) upstream
   * @param inputTokens       the request's input as known before sending it
   */
  static Billed settled(TapSnapshot s, Integer upstreamStatus, boolean mayRunUpstream, long inputTokens) {
    if (s != null && s.usageReported()) {
      return new Billed(s.usage(), UsageSource.REPORTED);
    }
    if (upstreamStatus != null && upstreamStatus >= 400) {
      // an error answer: the upstream bills nothing for it
      return new Billed(s == null ? Usage.NONE : s.usage(), UsageSource.REPORTED);
    }
    if (s == null) {
      // nothing came back: a request that timed out may be running (and billed) upstream, so its input is billed as
      // estimated (never free); one refused or reset before any answer is recorded at $0
      return mayRunUpstream ? new Billed(new Usage(inputTokens, 0, 0, 0, 0, 0, 0), UsageSource.ESTIMATED) : new Billed(Usage.NONE, UsageSource.REPORTED);
    }
    Usage withOutput = s.usageWithEstimate();
    Usage usage = s.inputReported() ? withOutput : new Usage(Math.max(withOutput.inputTokens(), inputTokens), withOutput.cacheWrite5mTokens(),
        withOutput.cacheWrite1hTokens(), withOutput.cacheReadTokens(), withOutput.cachedInputTokens(), withOutput.outputTokens(),
        withOutput.reasoningTokens(), withOutput.dimensions());
    return new Billed(usage, UsageSource.ESTIMATED);
  }
}
