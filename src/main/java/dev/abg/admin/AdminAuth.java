package dev.abg.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.abg.config.AbgConfig;

/**
 * When {@code admin_token} is set, every admin call needs {@code Authorization: Bearer <admin_token>}. Runs before
 * resource matching, so an unknown {@code /abg/...} path is refused the same way. Only the admin API is served by JAX-RS:
 * the proxy routes ({@code /v1}, {@code /s}, {@code /anthropic}, {@code /openai}) and {@code /q/*} never come here.
 *
 * <p>The token is compared in constant time: both sides are hashed to SHA-256 first, so neither the content nor the
 * length of the expected token leaks through timing.
 */
class AdminAuth {

  private final Optional<byte[]> expected;

  AdminAuth(AbgConfig config) {
    this.expected = config.adminToken().map(AdminAuth::sha256);
  }

  @ServerRequestFilter(preMatching = true)
  void authorize(ContainerRequestContext request) {
    if (expected.isEmpty()) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw new Unauthorized("The admin API needs 'Authorization: Bearer <admin_token>' (admin_token is set in agentbillguard.yaml); "
          + "the request had no Authorization header.");
    }
    String value = header.trim();
    boolean bearer = value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ");
    byte[] given = sha256(bearer ? value.substring(7).trim() : "");
    if (!bearer || !MessageDigest.isEqual(given, expected.get())) {
      throw new Unauthorized("The admin API needs 'Authorization: Bearer <admin_token>' (admin_token is set in agentbillguard.yaml); "
          + (bearer ? "the token was wrong." : "the Authorization header is not a Bearer token."));
    }
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
