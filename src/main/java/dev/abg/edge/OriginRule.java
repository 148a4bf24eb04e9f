package dev.abg.edge;

import java.net.URI;
import java.util.Locale;

/**
 * Whether a state-changing request comes from abg's own origin. A browser adds {@code Origin} to every cross-origin
 * request (a plain form post included, which needs no preflight) and {@code Sec-Fetch-Site} to every request; abg's own
 * dashboard is same-origin. So: an {@code Origin} that is not {@code http(s)://} + the request's own {@code Host} is
 * refused ({@code null}, from a sandboxed frame or a file, too), and so is a request without {@code Origin} whose
 * {@code Sec-Fetch-Site} says it came from another site. A request with neither (curl, the {@code abg} command, scripts)
 * passes: only a browser carries a victim's session to a page's will, and it always says where from.
 */
final class OriginRule {

  private OriginRule() {
  }

  /** Why the request is refused, or null when it may go on. */
  static String refusal(String origin, String secFetchSite, String host) {
    if (origin != null) {
      return sameOrigin(origin.trim(), host) ? null : "a request from the page at " + describe(origin) + " may not change anything here";
    }
    if (secFetchSite != null) {
      String site = secFetchSite.trim().toLowerCase(Locale.ROOT);
      if (!site.equals("same-origin") && !site.equals("none")) {
        return "a request that the browser marks as " + site + " (Sec-Fetch-Site) may not change anything here";
      }
    }
    return null;
  }

  private static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    URI uri;
    try {
      uri = URI.create(origin);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
      return false;
    }
    int defaultPort = scheme.equals("https") ? 443 : 80;
    return authority(uri.getHost(), uri.getPort() == defaultPort ? -1 : uri.getPort()).equals(hostAuthority(host.trim(), defaultPort));
  }

  private static String hostAuthority(String host, int defaultPort) {
    String name = HostRule.withoutPort(host);
    String rest = host.startsWith("[") ? host.substring(host.indexOf(']') + 1) : host.substring(name.length());
    int port = -1;
    if (rest.startsWith(":") && rest.length() > 1) {
      try {
        port = Integer.parseInt(rest.substring(1));
      } catch (NumberFormatException e) {
        return "";
      }
    }
    return authority(name, port == defaultPort ? -1 : port);
  }

  private static String authority(String host, int port) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return port < 0 ? h : h + ":" + port;
  }

  private static String describe(String origin) {
    String o = origin.length() > 100 ? origin.substring(0, 100) + "…" : origin;
    return "'" + dev.abg.text.Printable.escape(o) + "'";
  }
}
