package dev.abg.config;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns raw configuration values (from the YAML file, system properties or the environment) into an {@link AbgConfig}.
 * Every bad value fails with a {@link ConfigException} that names its key.
 */
public final class ConfigLoader {

  static final BigDecimal MAX_USD = new BigDecimal("1000000");

  private final Function<String, Optional<String>> lookup;

  /** @param lookup the raw value of a flat key, e.g. {@code session_budget_usd} */
  public ConfigLoader(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  /**
   * @param pricing the {@code pricing.*} entries, keys without the prefix (the price table validates them)
   */
  public AbgConfig load(Map<String, String> pricing) {
    BudgetSettings budgets = budgets();
    String bind = text("bind").orElse("127.0.0.1");
    Optional<String> adminToken = text("admin_token");
    if (adminToken.isPresent() && adminToken.get().length() < 16) {
      throw new ConfigException("admin_token", "<masked>", "must be at least 16 characters");
    }
    if (!isLoopback(bind) && adminToken.isEmpty()) {
      throw new ConfigException("refusing to listen on bind = '" + bind + "' without admin_token: anyone who can reach "
          + "this address could raise caps and read the ledger. Set admin_token (16+ characters) or bind to 127.0.0.1.");
    }
    return new AbgConfig(
        budgets,
        enforcement(),
        url("upstream_anthropic", "https://api.anthropic.com"),
        url("upstream_openai", "https://api.openai.com"),
        bind,
        integer("port", 8788, 0, 65535),
        Path.of(text("db_path").orElse("./data/abg.db")),
        team(),
        text("ledger_file").map(Path::of),
        zone(),
        adminToken,
        allowedHosts(),
        new AbgConfig.MetricsSettings(duration("metrics_session_ttl", Duration.ofHours(1)), integer("metrics_max_sessions", 200, 0, 100_000)),
        new AbgConfig.Limits(
            integer("max_body_mb", 32, 1, 1024) * 1024L * 1024L,
            Duration.ofMillis(integer("upstream_connect_timeout_ms", 10_000, 1, 600_000)),
            Duration.ofSeconds(integer("upstream_idle_timeout_s", 600, 1, 86_400)),
            integer("max_buffered_body_mb", (int) defaultBufferedBodyMb(), 1, 65_536) * 1024L * 1024L,
            integer("max_event_mb", 16, 1, 1024) * 1024L * 1024L,
            Duration.ofSeconds(integer("shutdown_drain_s", 30, 0, 3_600))),
        new TreeMap<>(pricing),
        pricingFile());
  }

  /** {@code pricing_file}: a path, or an http(s) URL with a host. */
  private Optional<String> pricingFile() {
    Optional<String> value = text("pricing_file");
    value.ifPresent(v -> {
      if (v.contains("://")) {
        URI uri;
        try {
          uri = URI.create(v);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("pricing_file", v, "must be a file path or an http(s) URL");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new ConfigException("pricing_file", v, "must be a file path or an http(s) URL");
        }
      }
    });
    return value;
  }

  /**
   * {@code max_buffered_body_mb}'s default: a quarter of the heap (32 MB with the default {@code -Xmx128m}), so that the
   * bodies held at once, and the one copy a body may need, stay well inside it.
   */
  static long defaultBufferedBodyMb() {
    return Math.max(1, Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024));
  }

  /** The budget keys alone: also what a live reload of the file re-reads. */
  public BudgetSettings budgets() {
    BigDecimal session = usd("session_budget_usd").orElse(new BigDecimal("5.00"));
    Optional<BigDecimal> daily = text("daily_budget_usd").isPresent() && isOff(text("daily_budget_usd").get())
        ? Optional.empty()
        : Optional.of(usd("daily_budget_usd").orElse(new BigDecimal("20.00")));
    BigDecimal warnAt = text("warn_at").map(v -> fraction("warn_at", v)).orElse(new BigDecimal("0.8"));
    boolean block = text("block_on_limit").map(v -> bool("block_on_limit", v)).orElse(true);
    return new BudgetSettings(session, daily, warnAt, block);
  }

  /**
   * {@code allowed_hosts}: a YAML list or a comma-separated string of host names, each a name ({@code abg.internal}), a
   * {@code *.domain} pattern or an IP address; no ports, no schemes.
   */
  private List<String> allowedHosts() {
    Optional<String> raw = text("allowed_hosts");
    if (raw.isEmpty()) {
      return List.of();
    }
    List<String> hosts = new ArrayList<>();
    for (String part : raw.get().replace("[", "").replace("]", "").split("[,\\s]+")) {
      String host = part.trim().toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      if (host.isEmpty()) {
        continue;
      }
      String name = host.startsWith("*.") ? host.substring(2) : host;
      if (!HOST_NAME.matcher(name).matches() || name.isEmpty()) {
        throw new ConfigException("allowed_hosts", part.trim(), "each entry must be a host name such as abg.internal, a pattern such as "
            + "*.abg.internal or an IP address, without a scheme or a port");
      }
      hosts.add(host);
    }
    return List.copyOf(hosts);
  }

  private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*|[0-9a-f:]+");

  /** A duration such as {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d} or ISO-8601 {@code PT1H}; {@code 0} for none. */
  private Duration duration(String key, Duration fallback) {
    Optional<String> raw = text(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    String v = raw.get().toLowerCase(Locale.ROOT);
    try {
      if (v.equals("0")) {
        return Duration.ZERO;
      }
      if (v.startsWith("p")) {
        Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
        if (!d.isNegative()) {
          return d;
        }
      } else if (v.matches("[0-9]{1,7}[smhd]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
    } catch (java.time.format.DateTimeParseException e) {
      // reported below
    }
    throw new ConfigException(key, raw.get(), "must be a duration such as 90s, 30m, 1h or 2d");
  }

  private Optional<TeamDatabase> team() {
    Optional<String> url = text("db_url");
    if (url.isEmpty()) {
      if (text("db_user").isPresent()) {
        throw new ConfigException("db_user", text("db_user").get(), "is set without db_url: set db_url (jdbc:postgresql://host:5432/db) too");
      }
      return Optional.empty();
    }
    if (!url.get().startsWith("jdbc:postgresql://")) {
      throw new ConfigException("db_url", url.get().replaceAll("password=[^&]*", "password=<masked>"),
          "must be a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/abg");
    }
    return Optional.of(new TeamDatabase(url.get(), text("db_user"), text("db_password")));
  }

  private EnforcementSettings enforcement() {
    EnforcementSettings.Mode mode = text("enforcement").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "hard" -> EnforcementSettings.Mode.HARD;
      case "soft" -> EnforcementSettings.Mode.SOFT;
      default -> throw new ConfigException("enforcement", v, "must be hard or soft");
    }).orElse(EnforcementSettings.Mode.HARD);
    Optional<Long> perMinute = text("max_usd_per_minute").filter(v -> !isOff(v)).map(v -> parseUsd("max_usd_per_minute", v))
        .map(usd -> usd.movePointRight(6).longValueExact());
    if (perMinute.isPresent() && perMinute.get() == 0) {
      throw new ConfigException("max_usd_per_minute", "0", "must be more than 0, or off");
    }
    int loop = text("loop_max_repeats").filter(v -> isOff(v)).isPresent() ? 0 : integer("loop_max_repeats", 10, 0, 1_000_000);
    return new EnforcementSettings(mode, perMinute, loop);
  }

  private Optional<String> text(String key) {
    return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty() && !v.equals("~") && !v.equalsIgnoreCase("null"));
  }

  private Optional<BigDecimal> usd(String key) {
    return text(key).map(v -> parseUsd(key, v));
  }

  /** A dollar amount: a finite decimal from 0 to 1,000,000 with at most six decimals. */
  public static BigDecimal parseUsd(String key, String value) {
    BigDecimal amount;
    try {
      amount = new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "must be a dollar amount such as 5 or 12.50");
    }
    if (amount.signum() < 0 || amount.compareTo(MAX_USD) > 0) {
      throw new ConfigException(key, value, "must be a dollar amount between 0 and 1000000");
    }
    if (amount.stripTrailingZeros().scale() > 6) {
      throw new ConfigException(key, value, "has more than six decimals (money is counted in micro-dollars)");
    }
    return amount;
  }

  static BigDecimal fraction(String key, String value) {
    BigDecimal f;
    try {
      f = new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "must be a fraction such as 0.8");
    }
    if (f.signum() <= 0 || f.compareTo(BigDecimal.ONE) > 0) {
      throw new ConfigException(key, value, "must be a fraction greater than 0 and at most 1, such as 0.8");
    }
    return f;
  }

  static boolean bool(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new ConfigException(key, value, "must be true or false");
    };
  }

  /** "off" (which YAML reads as false), "none" or "unlimited". */
  private static boolean isOff(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("off") || v.equals("false") || v.equals("no") || v.equals("none") || v.equals("unlimited");
  }

  private int integer(String key, int fallback, int min, int max) {
    Optional<String> raw = text(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw new ConfigException(key, raw.get(), "must be a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw.get(), "must be a whole number from " + min + " to " + max);
    }
  }

  private URI url(String key, String fallback) {
    String raw = text(key).orElse(fallback);
    try {
      URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new ConfigException(key, raw, "must be an http:// or https:// base URL such as https://api.anthropic.com");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, raw, "must be an http:// or https:// base URL such as https://api.anthropic.com");
    }
  }

  private ZoneId zone() {
    Optional<String> raw = text("timezone");
    if (raw.isEmpty()) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(raw.get());
    } catch (DateTimeException e) {
      throw new ConfigException("timezone", raw.get(), "must be a time zone such as UTC or Europe/Paris");
    }
  }

  static boolean isLoopback(String bind) {
    if (bind.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("bind", bind, "must be an IP address or host name of this machine");
    }
  }
}
