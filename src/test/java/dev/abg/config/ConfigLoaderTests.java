package dev.abg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTests {

  private static AbgConfig load(String... keyValues) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return new ConfigLoader(key -> Optional.ofNullable(values.get(key))).load(Map.of());
  }

  @Test
  void shouldReadTheSeedsFileUnchanged() {
    AbgConfig c = load("session_budget_usd", "5.0", "daily_budget_usd", "20.0", "warn_at", "0.8", "block_on_limit", "true", "port", "8788",
        "ledger_file", "ledger.jsonl");
    assertEquals(0, c.budgets().sessionBudgetUsd().compareTo(new BigDecimal("5")));
    assertEquals(0, c.budgets().dailyBudgetUsd().orElseThrow().compareTo(new BigDecimal("20")));
    assertEquals(8788, c.port());
    assertEquals("ledger.jsonl", c.ledgerFile().orElseThrow().toString());
    assertEquals("127.0.0.1", c.bind());
    assertTrue(c.enforcement().hard());
    assertEquals(10, c.enforcement().loopMaxRepeats());
  }

  @Test
  void shouldDefaultEverything() {
    AbgConfig c = load();
    assertEquals("https://api.anthropic.com", c.upstreamAnthropic().toString());
    assertEquals("https://api.openai.com", c.upstreamOpenai().toString());
    assertEquals("data/abg.db", c.dbPath().normalize().toString());
    assertTrue(c.describe().contains("admin_token=-"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "session_budget_usd | -3       | bad configuration: session_budget_usd = '-3': must be a dollar amount between 0 and 1000000",
      "session_budget_usd | five     | bad configuration: session_budget_usd = 'five': must be a dollar amount such as 5 or 12.50",
      "daily_budget_usd   | 1e9      | bad configuration: daily_budget_usd = '1e9': must be a dollar amount between 0 and 1000000",
      "session_budget_usd | 0.0000001| bad configuration: session_budget_usd = '0.0000001': has more than six decimals (money is counted in micro-dollars)",
      "warn_at            | 1.5      | bad configuration: warn_at = '1.5': must be a fraction greater than 0 and at most 1, such as 0.8",
      "block_on_limit     | maybe    | bad configuration: block_on_limit = 'maybe': must be true or false",
      "port               | 70000    | bad configuration: port = '70000': must be a whole number from 0 to 65535",
      "upstream_anthropic | ftp://x  | bad configuration: upstream_anthropic = 'ftp://x': must be an http:// or https:// base URL such as https://api.anthropic.com",
      "timezone           | Mars/Base| bad configuration: timezone = 'Mars/Base': must be a time zone such as UTC or Europe/Paris",
      "enforcement        | strict   | bad configuration: enforcement = 'strict': must be hard or soft",
      "max_usd_per_minute | 0        | bad configuration: max_usd_per_minute = '0': must be more than 0, or off",
  })
  void shouldNameTheKeyOfABadValue(String key, String value, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(key, value));
    assertEquals(message, e.getMessage());
  }

  @Test
  void shouldRefuseANonLoopbackBindWithoutAnAdminToken() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("bind", "0.0.0.0"));
    assertTrue(e.getMessage().startsWith("refusing to listen on bind = '0.0.0.0' without admin_token"), e.getMessage());
    AbgConfig ok = load("bind", "0.0.0.0", "admin_token", "0123456789abcdef");
    assertTrue(ok.describe().contains("admin_token=<masked>"));
    assertTrue(!ok.describe().contains("0123456789abcdef"));
    assertEquals("bad configuration: admin_token = '<masked>': must be at least 16 characters",
        assertThrows(ConfigException.class, () -> load("admin_token", "short")).getMessage());
  }

  @Test
  void shouldPickPostgresqlWhenDbUrlIsSetAndNameTheKeyOfABadOne() {
    assertTrue(load().team().isEmpty(), "no db_url: SQLite");
    AbgConfig team = load("db_url", "jdbc:postgresql://db:5432/abg?password=hunter2", "db_user", "abg", "db_password", "hunter2");
    assertEquals("abg", team.team().orElseThrow().user().orElseThrow());
    assertTrue(team.describe().contains("db_url=jdbc:postgresql://db:5432/abg user=abg"), team.describe());
    assertTrue(!team.describe().contains("hunter2"), "the password is never in the log line");
    ConfigException bad = assertThrows(ConfigException.class, () -> load("db_url", "postgres://db/abg?password=hunter2"));
    assertTrue(bad.getMessage().contains("db_url") && bad.getMessage().contains("jdbc:postgresql://"), bad.getMessage());
    assertTrue(!bad.getMessage().contains("hunter2"), bad.getMessage());
    ConfigException orphan = assertThrows(ConfigException.class, () -> load("db_user", "abg"));
    assertTrue(orphan.getMessage().contains("db_user") && orphan.getMessage().contains("without db_url"), orphan.getMessage());
  }

  @Test
  void shouldReadOffAsYamlGivesIt() {
    AbgConfig c = load("daily_budget_usd", "false", "loop_max_repeats", "false", "max_usd_per_minute", "false");
    assertTrue(c.budgets().dailyBudgetUsd().isEmpty());
    assertEquals(0, c.enforcement().loopMaxRepeats());
  }

  @Test
  void shouldTurnTheDailyCapAndTheBreakersOff() {
    AbgConfig c = load("daily_budget_usd", "off", "loop_max_repeats", "off", "max_usd_per_minute", "off", "enforcement", "soft");
    assertTrue(c.budgets().dailyBudgetUsd().isEmpty());
    assertEquals(0, c.enforcement().loopMaxRepeats());
    assertTrue(c.enforcement().maxMicrosPerMinute().isEmpty());
    assertEquals(EnforcementSettings.Mode.SOFT, c.enforcement().mode());
  }

  @Test
  void shouldRefuseEveryNonLoopbackBindWithoutATokenAndAcceptLoopback() {
    for (String bind : new String[] {"0.0.0.0", "::", "192.0.2.10"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("bind", bind));
      assertTrue(e.getMessage().contains("refusing to listen on bind = '" + bind + "' without admin_token"), e.getMessage());
    }
    for (String bind : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
      assertEquals(Optional.empty(), load("bind", bind).adminToken());
    }
  }
}
