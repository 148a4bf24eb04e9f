package dev.abg.edge;

import java.util.Map;

/**
 * A request the edge refuses before any route sees it; the route's own shape writes it ({@link RefusalShape}), else
 * {@code application/problem+json}.
 *
 * @param status  421 (a {@code Host} that is not abg's), 403 (a write from another origin), 405 (a method the route does
 *                not serve) or 401 ({@code /q/*} without the admin token)
 * @param kind    the problem type's last part: {@code urn:abg:problem:<kind>}
 * @param title   the same for every occurrence of the kind
 * @param detail  what went wrong and what to do about it
 * @param headers to send with it ({@code Allow}, {@code WWW-Authenticate})
 */
public record Refusal(int status, String kind, String title, String detail, Map<String, String> headers) {

  static Refusal misdirected(String detail) {
    return new Refusal(421, "misdirected-request", "Misdirected request", detail, Map.of());
  }

  static Refusal crossOrigin(String detail) {
    return new Refusal(403, "cross-origin-write", "Cross-origin write refused", detail, Map.of());
  }

  static Refusal methodNotAllowed(String detail, String allow) {
    return new Refusal(405, "method-not-allowed", "Method not allowed", detail, Map.of("Allow", allow));
  }

  static Refusal unauthorized(String detail) {
    return new Refusal(401, "unauthorized", "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer realm=\"abg\", Basic realm=\"abg\""));
  }
}
