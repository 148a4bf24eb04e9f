package dev.abg.spend;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.abg.config.AbgConfig;
import dev.abg.spend.ledger.LedgerRow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The spend side of {@code /q/metrics}: requests by provider, model and action, spend, blocks and cut-offs, the day, and
 * the sessions' series ({@link SessionSeries}: bounded, the costliest active sessions). Gauges read the in-memory books
 * when scraped. Every label's values are bounded: a model the price table does not know is counted as
 * {@code model="unknown"} (the request names it, so any string could come).
 */
final class SpendMetrics implements AutoCloseable {

  private final MeterRegistry registry;
  private final SessionSeries sessions;

  SpendMetrics(MeterRegistry registry, AbgConfig.MetricsSettings settings, Clock clock, Function<String, Optional<SessionView>> session,
               Supplier<List<SessionView>> all, Supplier<DayView> today) {
    this.registry = registry;
    this.sessions = new SessionSeries(registry, settings, clock, session, all);
    Gauge.builder("abg_today_spent_usd", () -> usd(today.get().committedMicros())).description("Spend across all sessions today")
        .register(registry);
    Gauge.builder("abg_today_remaining_usd", () -> today.get().remainingMicros().map(SpendMetrics::usd).orElse(Double.NaN))
        .description("What is left of the daily budget (NaN: no daily budget)").register(registry);
  }

  /** {@code abg_ledger_writable} (1: the ledger takes writes, 0: it does not) and what waits in its journal. */
  void ledger(dev.abg.spend.ledger.LedgerHealth health) {
    Gauge.builder("abg_ledger_writable", () -> health.problem().isEmpty() ? 1 : 0)
        .description("1 while the ledger takes writes; 0 while it does not and new requests are refused (see /abg/status)").register(registry);
    Gauge.builder("abg_ledger_journal_pending", health::pendingInJournal)
        .description("Settled rows and changes in the journal beside the ledger, not yet in it").register(registry);
  }

  /** A session seen for the first time. */
  void session(String id) {
    sessions.seen(id);
  }

  /** Chooses the sessions with series of their own again (at start, once the books are loaded; then periodically). */
  void refreshSessions() {
    sessions.refresh();
  }

  @Override
  public void close() {
    sessions.close();
  }

  void recorded(LedgerRow row) {
    String model = row.model() == null ? "none" : row.priceFallback() ? "unknown" : row.model();
    Tags tags = Tags.of("provider", row.provider().wireName(), "model", model, "action", row.action().wireName());
    registry.counter("abg_requests_total", tags).increment();
    if (row.costMicros() > 0) {
      registry.counter("abg_spend_usd_total", "provider", row.provider().wireName()).increment(usd(row.costMicros()));
    }
    if (row.action() == LedgerRow.Action.CUTOFF) {
      registry.counter("abg_cutoffs_total").increment();
    }
  }

  void blocked(BudgetDecision.Reason reason) {
    registry.counter("abg_blocks_total", "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
  }

  private static double usd(long micros) {
    return micros / 1_000_000.0;
  }
}
