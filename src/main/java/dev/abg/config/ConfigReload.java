package dev.abg.config;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * Starts the {@link ConfigWatcher} on the config file, checking it every two seconds off the event loop; an edit of the
 * budget keys is announced as a {@link BudgetsReloaded} event (the spend side observes it).
 */
@Startup
@Singleton
class ConfigReload {

  static final long PERIOD_MS = 2_000;

  private final Vertx vertx;
  private final long timer;

  ConfigReload(Vertx vertx, AbgConfig config, Event<BudgetsReloaded> reloaded) {
    this.vertx = vertx;
    this.timer = ConfigWatcher.configFile().map(file -> {
      ConfigWatcher watcher = new ConfigWatcher(file, config.budgets(), budgets -> reloaded.fire(new BudgetsReloaded(budgets)));
      return vertx.setPeriodic(PERIOD_MS, id -> vertx.executeBlocking(() -> {
        watcher.check();
        return null;
      }, false));
    }).orElse(-1L);
  }

  @PreDestroy
  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
