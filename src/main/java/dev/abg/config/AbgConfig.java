package dev.abg.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of agent-bill-guard, read from {@code agentbillguard.yaml} (or {@code --config FILE}, or {@code ABG_CONFIG}),
 * with the seed's flat keys unchanged. {@link ConfigLoader} turns the raw keys into this record and names the key of any bad
 * value. The README's configuration table is the reference for each key.
 *
 * @param budgets           {@code session_budget_usd}, {@code daily_budget_usd}, {@code warn_at}, {@code block_on_limit}
 * @param enforcement       {@code enforcement} (hard | soft), {@code max_usd_per_minute}, {@code loop_max_repeats}
 * @param upstreamAnthropic {@code upstream_anthropic}: base URL of the Anthropic API, without {@code /v1}
 * @param upstreamOpenai    {@code upstream_openai}: base URL of the OpenAI API, without {@code /v1}
 * @param bind              {@code bind}: the address to listen on (default loopback)
 * @param port              {@code port}: the port to listen on (default 8788)
 * @param dbPath            {@code db_path}: the SQLite ledger (default {@code ./data/abg.db})
 * @param team              {@code db_url}, {@code db_user}, {@code db_password}: when set, the ledger lives in PostgreSQL
 *                          and several instances share it (team mode); else the SQLite file of {@code db_path}
 * @param ledgerFile        {@code ledger_file}: optional JSONL ledger, one line per settled request
 * @param timezone          {@code timezone}: the zone in which the daily budget's day starts (default: the system's)
 * @param adminToken        {@code admin_token}: bearer token for {@code /abg/**}, {@code /q/metrics}, {@code /q/openapi} and
 *                          Swagger UI; required when {@code bind} is not loopback
 * @param allowedHosts      {@code allowed_hosts}: host names (or {@code *.domain} patterns) a request's {@code Host} may name
 *                          besides the loopback names and addresses and the bind address (lower case, without ports)
 * @param metrics           {@code metrics_session_ttl}, {@code metrics_max_sessions}: which sessions get series of their own
 * @param limits            request and upstream limits ({@code max_body_mb}, {@code upstream_connect_timeout_ms},
 *                          {@code upstream_idle_timeout_s})
 * @param pricing           {@code pricing.<model>.<field>} overrides of the built-in price table, keys without the
 *                          {@code pricing.} prefix
 * @param pricingFile       {@code pricing_file}: a price map in LiteLLM's {@code model_prices_and_context_window.json}
 *                          format, a file path or an http(s) URL; its rows go over the built-in table, under
 *                          {@code pricing}
 */
public record AbgConfig(
    BudgetSettings budgets,
    EnforcementSettings enforcement,
    URI upstreamAnthropic,
    URI upstreamOpenai,
    String bind,
    int port,
    Path dbPath,
    Optional<TeamDatabase> team,
    Optional<Path> ledgerFile,
    ZoneId timezone,
    Optional<String> adminToken,
    List<String> allowedHosts,
    MetricsSettings metrics,
    Limits limits,
    Map<String, String> pricing,
    Optional<String> pricingFile) {

  /**
   * @param maxBodyBytes   largest request body accepted on a billed route
   * @param connectTimeout time allowed to connect to an upstream
   * @param idleTimeout    longest silence allowed from an upstream while a response is awaited or streams
   * @param maxBufferedBodyBytes {@code max_buffered_body_mb}: the request bodies held in memory at once, across requests
   * @param maxEventBytes  {@code max_event_mb}: the largest single event of a streamed response
   * @param shutdownDrain  {@code shutdown_drain_s}: how long streams in flight may go on after SIGTERM
   */
  public record Limits(long maxBodyBytes, Duration connectTimeout, Duration idleTimeout, long maxBufferedBodyBytes, long maxEventBytes,
                       Duration shutdownDrain) {

    /** The limits with the defaults of the keys added later (tests that build them by hand). */
    public Limits(long maxBodyBytes, Duration connectTimeout, Duration idleTimeout) {
      this(maxBodyBytes, connectTimeout, idleTimeout, ConfigLoader.defaultBufferedBodyMb() * 1024L * 1024L, 16L * 1024 * 1024, Duration.ofSeconds(30));
    }
  }

  /**
   * @param sessionTtl  {@code metrics_session_ttl}: a session has series of its own while it was active this recently
   * @param maxSessions {@code metrics_max_sessions}: at most this many sessions have series of their own, the costliest first
   */
  public record MetricsSettings(Duration sessionTtl, int maxSessions) {
  }

  /** The configuration as a log line, the admin token masked. */
  public String describe() {
    return "session_budget_usd=" + budgets.sessionBudgetUsd() + " daily_budget_usd=" + budgets.dailyBudgetUsd()
        + " warn_at=" + budgets.warnAt() + " block_on_limit=" + budgets.blockOnLimit() + " enforcement=" + enforcement.mode().name().toLowerCase()
        + " max_usd_per_minute=" + enforcement.maxMicrosPerMinute().map(m -> java.math.BigDecimal.valueOf(m, 6).stripTrailingZeros().toPlainString()).orElse("off")
        + " loop_max_repeats=" + enforcement.loopMaxRepeats()
        + " upstream_anthropic=" + upstreamAnthropic + " upstream_openai=" + upstreamOpenai
        + " bind=" + bind + " port=" + port + " db_path=" + dbPath + " db_url=" + team.map(TeamDatabase::describe).orElse("-") + " ledger_file=" + ledgerFile.map(Path::toString).orElse("-")
        + " timezone=" + timezone + " admin_token=" + adminToken.map(t -> "<masked>").orElse("-")
        + " allowed_hosts=" + (allowedHosts.isEmpty() ? "-" : String.join(",", allowedHosts))
        + " metrics_session_ttl=" + metrics.sessionTtl().toSeconds() + "s metrics_max_sessions=" + metrics.maxSessions()
        + " pricing_overrides=" + pricing.size() + " pricing_file=" + pricingFile.orElse("-");
  }
}
