package dev.abg.admin;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.abg.spend.SpendService;
import dev.abg.spend.ledger.LedgerHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /q/health} (and {@code /q/health/ready}, {@code /q/health/live}) in the MicroProfile Health shape: {@code UP}
 * with 200 while the ledger takes writes, {@code DOWN} with 503 and the cause while it does not (a supervisor or load
 * balancer then sends no traffic; the proxy refuses new requests itself meanwhile). Liveness stays {@code UP}: the
 * process is working, and restarting it would not help a full disk.
 */
@Singleton
class HealthRoutes {

  private final SpendService spend;

  HealthRoutes(SpendService spend) {
    this.spend = spend;
  }

  void install(@Observes Router router) {
    router.get("/q/health").handler(ctx -> answer(ctx.response(), true));
    router.get("/q/health/ready").handler(ctx -> answer(ctx.response(), true));
    router.get("/q/health/live").handler(ctx -> answer(ctx.response(), false));
  }

  private void answer(io.vertx.core.http.HttpServerResponse response, boolean ledgerCounts) {
    LedgerHealth health = spend.ledgerHealth();
    boolean writable = health.problem().isEmpty();
    JsonObject data = new JsonObject().put("writable", writable).put("journal_pending", health.pendingInJournal());
    health.problem().ifPresent(p -> data.put("problem", p));
    String status = writable || !ledgerCounts ? "UP" : "DOWN";
    JsonObject body = new JsonObject().put("status", status)
        .put("checks", new JsonArray().add(new JsonObject().put("name", "ledger").put("status", writable ? "UP" : "DOWN").put("data", data)));
    response.setStatusCode(status.equals("UP") ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
  }
}
