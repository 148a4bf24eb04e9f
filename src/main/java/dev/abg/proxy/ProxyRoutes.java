package dev.abg.proxy;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;

/**
 * Installs the proxy route: every path under {@code /v1}, {@code /s/{session}}, {@code /anthropic} and {@code /openai}
 * goes to {@link ProxyHandler}. The admin API ({@code /abg}) and Quarkus's own {@code /q} are served beside it.
 */
@Singleton
class ProxyRoutes {

  private final ProxyHandler handler;

  ProxyRoutes(ProxyHandler handler) {
    this.handler = handler;
  }

  void install(@Observes Router router) {
    router.routeWithRegex("/(v1|s|anthropic|openai)(/.*)?").handler(ctx -> handler.handle(ctx.request()));
  }
}
