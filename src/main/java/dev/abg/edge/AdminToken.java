package dev.abg.edge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code admin_token} check, for the admin API and for {@code /q/*} (metrics, the OpenAPI document, Swagger UI). The
 * token comes as {@code Authorization: Bearer <admin_token>}; on {@code /q/*}, which a browser opens (Swagger UI) and a
 * scrape config may only know as basic auth, also as {@code Authorization: Basic} with any user name and the token as
 * the password.
 *
 * <p>Compared in constant time: both sides are hashed to SHA-256 first, so neither the content nor the length of the
 * expected token leaks through timing.
 */
public final class AdminToken {

  private final Optional<byte[]> expected;

  public AdminToken(Optional<String> token) {
    this.expected = token.map(AdminToken::sha256);
  }

  /** Whether a token is set (else every request passes). */
  public boolean required() {
    return expected.isPresent();
  }

  /**
   * Why the request is refused, or null when it may go on.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param basicToo      whether {@code Basic} credentials are taken as well as {@code Bearer}
   */
  public String refusal(String authorization, boolean basicToo) {
    if (expected.isEmpty()) {
      return null;
    }
    String wanted = "'Authorization: Bearer <admin_token>'" + (basicToo ? " (or basic auth with admin_token as the password)" : "");
    if (authorization == null || authorization.isBlank()) {
      return "This needs " + wanted + " (admin_token is set in agentbillguard.yaml); the request had no Authorization header.";
    }
    String value = authorization.trim();
    String scheme = value.contains(" ") ? value.substring(0, value.indexOf(' ')).toLowerCase(Locale.ROOT) : value.toLowerCase(Locale.ROOT);
    String credentials = value.contains(" ") ? value.substring(value.indexOf(' ') + 1).trim() : "";
    String given;
    if (scheme.equals("bearer")) {
      given = credentials;
    } else if (scheme.equals("basic") && basicToo) {
      given = basicPassword(credentials);
    } else {
      return "This needs " + wanted + " (admin_token is set in agentbillguard.yaml); the Authorization header is not "
          + (basicToo ? "a Bearer token or basic auth." : "a Bearer token.");
    }
    if (given == null || !MessageDigest.isEqual(sha256(given), expected.get())) {
      return "This needs " + wanted + " (admin_token is set in agentbillguard.yaml); the token was wrong.";
    }
    return null;
  }

  private static String basicPassword(String credentials) {
    try {
      String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return null;
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
