package dev.abg.spend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import dev.abg.config.AbgConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The per-session series of {@code /q/metrics} ({@code abg_session_spent_usd}, {@code _cap_usd}, {@code _remaining_usd},
 * {@code _in_flight_usd}), bounded whatever the ledger holds: only sessions active in the last {@code metrics_session_ttl}
 * (or with a request in flight) get series of their own, at most {@code metrics_max_sessions} of them, the costliest
 * first; every other session is summed into the series of {@code session="_other"} (a session id never starts with
 * {@code _}), and {@code abg_sessions_folded} says how many those are. Prometheus' guidance is bounded label values:
 * each Claude Code run is a new session id.
 *
 * <p>The choice is made again every {@link #REFRESH} (off the request path); a session seen for the first time gets its
 * series at once while there is room. The values of a listed session are read from the books when scraped.
 */
final class SessionSeries implements AutoCloseable {

  static final Duration REFRESH = Duration.ofSeconds(5);
  static final String OTHER = "_other";

  private record Metric(MultiGauge gauge, ToLongFunction<SessionView> value) {
  }

  /** What the sessions without series of their own add up to. */
  private record Folded(int count, long spent, long cap, long remaining, long inFlight) {
    static final Folded NONE = new Folded(0, 0, 0, 0, 0);
  }

  private final Duration ttl;
  private final int max;
  private final Clock clock;
  private final Function<String, Optional<SessionView>> session;
  private final Supplier<List<SessionView>> all;
  private final List<Metric> metrics = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private Set<String> listed = new LinkedHashSet<>();
  private volatile Folded folded = Folded.NONE;

  SessionSeries(MeterRegistry registry, AbgConfig.MetricsSettings settings, Clock clock, Function<String, Optional<SessionView>> session,
                Supplier<List<SessionView>> all) {
    this.ttl = settings.sessionTtl();
    this.max = settings.maxSessions();
    this.clock = clock;
    this.session = session;
    this.all = all;
    metric(registry, "abg_session_spent_usd", "Settled spend of a session since its last reset", SessionView::spentMicros, Folded::spent);
    metric(registry, "abg_session_cap_usd", "Cap of a session", SessionView::capMicros, Folded::cap);
    metric(registry, "abg_session_remaining_usd", "What is left of a session's cap", SessionView::remainingMicros, Folded::remaining);
    metric(registry, "abg_session_in_flight_usd", "What the requests in flight of a session have consumed so far", SessionView::inFlightMicros,
        Folded::inFlight);
    Gauge.builder("abg_sessions_folded", () -> folded.count())
        .description("Sessions without series of their own (inactive for metrics_session_ttl, or past metrics_max_sessions): summed in session=\"_other\"")
        .register(registry);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "abg-metrics");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::refreshQuietly, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  private final List<ToLongFunction<Folded>> foldedValues = new ArrayList<>();

  private void metric(MeterRegistry registry, String name, String description, ToLongFunction<SessionView> value, ToLongFunction<Folded> sum) {
    metrics.add(new Metric(MultiGauge.builder(name).description(description).baseUnit(null).register(registry), value));
    foldedValues.add(sum);
  }

  /** A session seen for the first time: its series start at once while fewer than the most are listed. */
  synchronized void seen(String id) {
    if (max > 0 && !ttl.isZero() && listed.size() < max && listed.add(id)) {
      publish();
    }
  }

  /** Chooses the listed sessions again: active within the TTL, the costliest first; sums the rest. */
  synchronized void refresh() {
    Instant since = clock.instant().minus(ttl);
    List<SessionView> views = all.get();
    List<SessionView> active = new ArrayList<>();
    for (SessionView v : views) {
      if (!ttl.isZero() && (v.inFlightRequests() > 0 || !v.lastSeen().isBefore(since))) {
        active.add(v);
      }
    }
    active.sort(Comparator.comparingLong((SessionView v) -> v.spentMicros() + v.inFlightMicros()).reversed().thenComparing(SessionView::id));
    Set<String> chosen = new LinkedHashSet<>();
    for (int i = 0; i < Math.min(max, active.size()); i++) {
      chosen.add(active.get(i).id());
    }
    int count = 0;
    long spent = 0;
    long cap = 0;
    long remaining = 0;
    long inFlight = 0;
    for (SessionView v : views) {
      if (!chosen.contains(v.id())) {
        count++;
        spent += v.spentMicros();
        cap += v.capMicros();
        remaining += v.remainingMicros();
        inFlight += v.inFlightMicros();
      }
    }
    listed = chosen;
    folded = new Folded(count, spent, cap, remaining, inFlight);
    publish();
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      SpendService.DECISIONS.debugf("metrics: could not choose the session series: %s", e.getMessage());
    }
  }

  /**
   * Registers the rows of the listed sessions and of {@code _other} that are not registered yet, and drops those of the
   * sessions no longer listed (a row's value is read by session id when scraped, so a kept row stays right). Under this
   * object's lock.
   */
  private void publish() {
    for (int m = 0; m < metrics.size(); m++) {
      Metric metric = metrics.get(m);
      ToLongFunction<Folded> sum = foldedValues.get(m);
      List<MultiGauge.Row<?>> r = new ArrayList<>(listed.size() + 1);
      for (String id : listed) {
        r.add(MultiGauge.Row.of(Tags.of("session", id), () -> session.apply(id).map(v -> usd(metric.value().applyAsLong(v))).orElse(Double.NaN)));
      }
      r.add(MultiGauge.Row.of(Tags.of("session", OTHER), () -> usd(sum.applyAsLong(folded))));
      metric.gauge().register(r, false);
    }
  }

  private static double usd(long micros) {
    return micros / 1_000_000.0;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
