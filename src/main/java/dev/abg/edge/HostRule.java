package dev.abg.edge;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@code Host} a request may name: the loopback names ({@code localhost}, {@code *.localhost}) and addresses
 * ({@code 127.0.0.0/8}, {@code ::1}), the bind address (or, bound to every interface, this machine's own addresses), and
 * the names of {@code allowed_hosts}. Anything else is a page whose name was rebound to this machine (DNS rebinding) or
 * a request meant for another server: it is refused before any route sees it. The port is not part of the rule; a
 * request without a {@code Host} is refused too (every browser sends one).
 */
final class HostRule {

  private final Set<String> exact = new HashSet<>();
  private final List<String> suffixes;

  HostRule(String bind, List<String> allowedHosts) {
    this.suffixes = allowedHosts.stream().filter(h -> h.startsWith("*.")).map(h -> h.substring(1)).toList();
    allowedHosts.stream().filter(h -> !h.startsWith("*.")).forEach(h -> exact.add(normal(h)));
    String b = normal(bind);
    if (isWildcard(b)) {
      exact.addAll(ownAddresses());
    } else {
      exact.add(b);
    }
  }

  /** Whether a request's {@code Host} header (with or without its port) names this abg. */
  boolean allows(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String host = normal(withoutPort(hostHeader.trim()));
    if (host.isEmpty()) {
      return false;
    }
    if (host.equals("localhost") || host.endsWith(".localhost") || exact.contains(host) || isLoopbackLiteral(host)) {
      return true;
    }
    return suffixes.stream().anyMatch(host::endsWith);
  }

  /** {@code example.com:8788} → {@code example.com}; {@code [::1]:8788} → {@code ::1}. */
  static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? "" : host.substring(1, end);
    }
    int colon = host.indexOf(':');
    // more than one colon without brackets is not a valid Host: an IPv6 literal must be bracketed
    if (colon >= 0 && host.indexOf(':', colon + 1) >= 0) {
      return "";
    }
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static String normal(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static boolean isWildcard(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("0:0:0:0:0:0:0:0");
  }

  /** An IP literal (never a name: no DNS lookup here) in 127.0.0.0/8 or ::1. */
  private static boolean isLoopbackLiteral(String host) {
    return host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
  }

  /** Every address of this machine's interfaces, in their textual forms (a literal cannot be rebound to another name). */
  private static Set<String> ownAddresses() {
    Set<String> out = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          String text = address.getHostAddress();
          int zone = text.indexOf('%');
          out.add(normal(zone < 0 ? text : text.substring(0, zone)));
        }
      }
    } catch (SocketException e) {
      // no interfaces to list: the loopback names and allowed_hosts still apply
    }
    return out;
  }
}
