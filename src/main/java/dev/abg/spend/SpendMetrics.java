package dev.abg.spend;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.abg.spend.ledger.LedgerRow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The spend side of {@code /q/metrics}: requests by provider, model and action, spend, blocks and cut-offs, and a gauge
 * per session (spent, cap, remaining, in flight) and for the day. Gauges read the in-memory books when scraped.
 */
final class SpendMetrics {

  private final MeterRegistry registry;
  private final Function<String, Optional<SessionView>> sessions;

  SpendMetrics(MeterRegistry registry, Function<String, Optional<SessionView>> sessions, Supplier<DayView> today) {
    this.registry = registry;
    this.sessions = sessions;
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

  /** Registers the gauges of a session the first time it is seen. */
  void session(String id) {
    gauge("abg_session_spent_usd", "Settled spend of a session since its last reset", id, v -> usd(v.spentMicros()));
    gauge("abg_session_cap_usd", "Cap of a session", id, v -> usd(v.capMicros()));
    gauge("abg_session_remaining_usd", "What is left of a session's cap", id, v -> usd(v.remainingMicros()));
    gauge("abg_session_in_flight_usd", "What the requests in flight of a session have consumed so far", id, v -> usd(v.inFlightMicros()));
  }

  /** A session left memory: its gauges go (they come back when it is loaded again). */
  void forget(String id) {
    for (String name : new String[] {"abg_session_spent_usd", "abg_session_cap_usd", "abg_session_remaining_usd", "abg_session_in_flight_usd"}) {
      for (io.micrometer.core.instrument.Meter m : registry.find(name).tag("session", id).meters()) {
        registry.remove(m);
      }
    }
  }

  private void gauge(String name, String description, String id, ToDoubleFunction<SessionView> value) {
    Gauge.builder(name, () -> sessions.apply(id).map(value::applyAsDouble).orElse(Double.NaN)).description(description).tags("session", id)
        .register(registry);
  }

  void recorded(LedgerRow row) {
    Tags tags = Tags.of("provider", row.provider().wireName(), "model", String.valueOf(row.model()), "action", row.action().wireName());
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
