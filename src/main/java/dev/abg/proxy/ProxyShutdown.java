package dev.abg.proxy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;

/**
 * A graceful stop (SIGTERM): new requests get a 503, the billed exchanges in flight may finish for up to
 * {@code shutdown_drain_s}, then the rest end with the provider's mid-stream error event — each settled into the ledger
 * like any other ending — before the ledger's writer drains and closes.
 *
 * <p>Quarkus closes its HTTP server before it fires {@code ShutdownEvent}, so the drain runs in a JVM shutdown hook of
 * its own, beside Quarkus's: Quarkus's graceful shutdown ({@code quarkus.shutdown.timeout}, set to
 * {@code shutdown_drain_s} in application.properties) answers new requests with a 503 and keeps the server open while
 * requests are active; this hook ends the streams still running {@value #END_MARGIN_MS} ms before that time is up, so
 * that their error events go out and their rows are written while the server is still open.
 */
@Singleton
class ProxyShutdown {

  /** An exchange that can be ended from outside its event loop. */
  interface Stoppable {
    /** Ends the exchange with the shutdown's mid-stream error; runs on the exchange's own event loop. */
    void stopForShutdown(String message);

    /** Whether it has settled and answered. */
    boolean done();
  }

  /** The streams still running are ended this long before Quarkus's graceful shutdown closes the server. */
  static final long END_MARGIN_MS = 1_500;

  private final Set<Stoppable> active = ConcurrentHashMap.newKeySet();
  private final Duration drain;
  private volatile boolean stopping;

  ProxyShutdown(AbgConfig config) {
    this.drain = config.limits().shutdownDrain();
  }

  boolean stopping() {
    return stopping;
  }

  void started(Stoppable exchange) {
    active.add(exchange);
  }

  void ended(Stoppable exchange) {
    active.remove(exchange);
  }

  void install(@Observes io.quarkus.runtime.StartupEvent event) {
    Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "abg-shutdown-drain"));
  }

  /** Too late for the streams (the server is closed); what is still marked in flight is only logged. */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    stopping = true;
    if (!active.isEmpty()) {
      Log.warnf("[abg] stopping: %d request(s) were still in flight when the server closed", active.size());
    }
  }

  private void drain() {
    stopping = true;
    int inFlight = active.size();
    if (inFlight > 0) {
      Log.infof("[abg] stopping: %d request(s) in flight may finish for up to %d s (shutdown_drain_s); new requests get a 503", inFlight,
          drain.toSeconds());
    }
    long deadline = System.nanoTime() + Math.max(drain.toNanos() / 2, drain.toNanos() - END_MARGIN_MS * 1_000_000);
    while (!active.isEmpty() && System.nanoTime() < deadline) {
      sleep(50);
    }
    if (active.isEmpty()) {
      return;
    }
    Log.warnf("[abg] stopping: %d stream(s) still running after %d s end now with the provider's error event", active.size(), drain.toSeconds());
    for (Stoppable s : active) {
      s.stopForShutdown("abg is shutting down (restart or stop of the proxy); the response was cut short after shutdown_drain_s = "
          + drain.toSeconds() + " s; retry the request");
    }
    long settleBy = System.nanoTime() + Math.min(END_MARGIN_MS, Math.max(200, drain.toMillis() / 2)) * 1_000_000;
    while (active.stream().anyMatch(s -> !s.done()) && System.nanoTime() < settleBy) {
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
