package dev.abg.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.abg.config.AbgConfig;
import dev.abg.edge.AdminToken;

/**
 * When {@code admin_token} is set, every admin call needs {@code Authorization: Bearer <admin_token>}
 * ({@link AdminToken}). Runs before resource matching, so an unknown {@code /abg/...} path is refused the same way. Only
 * the admin API is served by JAX-RS: the proxy routes ({@code /v1}, {@code /s}, {@code /anthropic}, {@code /openai})
 * never come here, and {@code /q/*} is checked at the edge ({@code dev.abg.edge.EdgeGuard}).
 */
class AdminAuth {

  private final AdminToken token;

  AdminAuth(AbgConfig config) {
    this.token = new AdminToken(config.adminToken());
  }

  @ServerRequestFilter(preMatching = true)
  void authorize(ContainerRequestContext request) {
    String refusal = token.refusal(request.getHeaderString(HttpHeaders.AUTHORIZATION), false);
    if (refusal != null) {
      throw new Unauthorized(refusal.replace("This needs", "The admin API needs"));
    }
  }
}
