package dev.abg.admin;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;

/**
 * The dashboard's files are static ({@code META-INF/resources/abg/ui/}), served by Quarkus before the admin API's auth filter
 * sees them: the page loads without the admin token, and its data calls carry it. Only {@code /abg/ui} without the slash
 * would fall through to JAX-RS (and get a 401 when a token is set), so it is redirected here, ahead of it.
 */
@Singleton
class DashboardRoutes {

  void install(@Observes Router router) {
    // Vert.x matches "/abg/ui" and "/abg/ui/" alike: only the first is redirected, the second goes on to the static files
    router.get("/abg/ui").order(-1).handler(ctx -> {
      if (ctx.request().path().equals("/abg/ui")) {
        ctx.response().setStatusCode(302).putHeader("location", "/abg/ui/").end();
      } else {
        ctx.next();
      }
    });
  }
}
