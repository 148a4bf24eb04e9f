package dev.abg.proxy;

import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.abg.edge.Refusal;
import dev.abg.edge.RefusalShape;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * Installs the proxy route: every path under {@code /v1}, {@code /s/{session}}, {@code /anthropic} and {@code /openai}
 * goes to {@link ProxyHandler}. The admin API ({@code /abg}) and Quarkus's own {@code /q} are served beside it.
 */
@Singleton
class ProxyRoutes implements RefusalShape {

  private static final Pattern PATHS = Pattern.compile("/(v1|s|anthropic|openai)(/.*)?");

  private final ProxyHandler handler;

  ProxyRoutes(ProxyHandler handler) {
    this.handler = handler;
  }

  void install(@Observes Router router) {
    router.routeWithRegex(PATHS.pattern()).handler(ctx -> handler.handle(ctx.request()));
  }

  /** The edge's refusals of the proxy's paths come in the provider's error shape, which the agents show. */
  @Override
  public boolean claims(String path) {
    return PATHS.matcher(path).matches();
  }

  @Override
  public void send(HttpServerRequest request, Refusal refusal) {
    ErrorResponses.send(request, ProxyHandler.providerByHeaders(request), ProxyFailure.refused(refusal));
  }
}
