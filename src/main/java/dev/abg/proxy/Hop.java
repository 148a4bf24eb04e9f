package dev.abg.proxy;

import java.util.Locale;
import java.util.Set;

import io.vertx.core.MultiMap;

/**
 * Header hygiene: hop-by-hop headers, the proxy's own {@code x-abg-*} headers and CORS headers ({@code access-control-*},
 * which would let a web page read what an upstream answers through abg) never cross the proxy.
 */
final class Hop {

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
      "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length");

  private Hop() {
  }

  static boolean crosses(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (HOP_BY_HOP.contains(lower) || lower.startsWith("x-abg-") || lower.startsWith("access-control-")) {
      return false;
    }
    return true;
  }

  /** Copies end-to-end headers, and drops those named in {@code Connection} too. */
  static void copy(MultiMap from, MultiMap to) {
    String connection = from.get("connection");
    for (var entry : from) {
      String name = entry.getKey();
      if (crosses(name) && (connection == null || !listed(connection, name))) {
        to.add(name, entry.getValue());
      }
    }
  }

  private static boolean listed(String connection, String name) {
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
