package dev.abg.proxy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.abg.spend.Provider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The proxy side of {@code /q/metrics}: how long the upstreams take to answer (time to response headers). */
@Singleton
class ProxyMetrics {

  private final Map<Provider, Timer> upstreamLatency = new EnumMap<>(Provider.class);
  private final MeterRegistry registry;

  ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Provider p : Provider.values()) {
      upstreamLatency.put(p, Timer.builder("abg_upstream_latency").description("Time from sending a request upstream to its response headers")
          .tag("provider", p.wireName()).publishPercentiles(0.5, 0.9, 0.99).register(registry));
    }
  }

  void upstreamResponded(Provider provider, long startedNanos) {
    upstreamLatency.get(provider).record(Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  /** {@code abg_buffered_body_bytes}: the request bodies held in memory now (bounded by {@code max_buffered_body_mb}). */
  void bodyBudget(java.util.function.Supplier<Number> held) {
    io.micrometer.core.instrument.Gauge.builder("abg_buffered_body_bytes", held).description("Request bodies held in memory now").register(registry);
  }
}
