package dev.abg.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.abg.text.Printable;

/**
 * The keys a config file may hold, and the check that refuses any other: a guard that silently ignored a typo
 * ({@code sesion_budget_usd}) would run on its defaults while its user believes the file is in force. Keys of features
 * that do not exist (yet) are unknown too. The check reads the file's own top-level keys, not the environment (which
 * holds every other program's variables too).
 *
 * <p>Besides the keys below, a file may hold {@code pricing} (a mapping of price overrides, checked by the price table)
 * and Quarkus's own settings ({@code quarkus.*}), which are passed to Quarkus as they are.
 */
public final class ConfigKeys {

  /** Every key of abg's own, as the README's configuration table lists them. */
  public static final Set<String> KNOWN = Set.copyOf(new TreeSet<>(List.of(
      "session_budget_usd", "daily_budget_usd", "warn_at", "block_on_limit", "port", "ledger_file", "upstream_anthropic", "upstream_openai",
      "enforcement", "max_usd_per_minute", "loop_max_repeats",
      "db_path", "db_url", "db_user", "db_password", "timezone", "bind", "admin_token", "allowed_hosts",
      "max_body_mb", "max_buffered_body_mb", "max_event_mb", "shutdown_drain_s", "upstream_connect_timeout_ms", "upstream_idle_timeout_s",
      "metrics_session_ttl", "metrics_max_sessions",
      "pricing", "pricing_file")));

  private ConfigKeys() {
  }

  /**
   * Refuses the first unknown top-level key of a config file.
   *
   * @param file   the file's name, for the message
   * @param values its top-level mapping, as YAML reads it
   * @throws ConfigException "unknown key 'sesion_budget_usd' — did you mean 'session_budget_usd'? …"
   */
  public static void check(String file, Map<String, Object> values) {
    for (String key : new TreeSet<>(values.keySet().stream().map(String::valueOf).toList())) {
      unknown(key).ifPresent(nearest -> {
        throw new ConfigException("unknown key '" + Printable.escape(key) + "' — did you mean '" + nearest + "'? (in " + file
            + "; abg refuses keys it does not know, so that a typo cannot leave a default in force; see the README's configuration table)");
      });
    }
  }

  /** The nearest known key when {@code key} is unknown; empty when it is known. */
  static Optional<String> unknown(String key) {
    if (KNOWN.contains(key) || key.startsWith("pricing.") || key.equals("quarkus") || key.startsWith("quarkus.")) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : new TreeSet<>(KNOWN)) {
      int d = distance(key.toLowerCase(java.util.Locale.ROOT), known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return Optional.of(best);
  }

  /** Edit distance with adjacent transpositions (optimal string alignment): {@code sesion} → {@code session} is 1. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
