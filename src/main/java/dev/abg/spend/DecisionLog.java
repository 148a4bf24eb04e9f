package dev.abg.spend;

import dev.abg.spend.ledger.LedgerRow;

/** The decision lines of settled requests, in the seed's style, to the {@code abg} category. Never a prompt or a key. */
final class DecisionLog {

  private DecisionLog() {
  }

  /** {@code [abg] ALLOW session=… model=… cost=… session_total=…}, or CUTOFF / WARN, with the warning when there is one. */
  static void settled(LedgerRow row, String warning) {
    String verb = switch (row.action()) {
      case CUTOFF -> "CUTOFF";
      case WARN -> "WARN";
      default -> "ALLOW";
    };
    String estimated = row.usageSource() == UsageSource.ESTIMATED ? " (estimated)" : "";
    String suffix = warning != null ? " | " + warning : "";
    SpendService.DECISIONS.infof("%s session=%s model=%s cost=%s%s session_total=%s%s", verb, row.sessionId(), row.model(), Money.format(row.costMicros(), 4),
        estimated, Money.format(row.sessionTotalMicros(), 2), suffix);
  }
}
