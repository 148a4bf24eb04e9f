package dev.abg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigKeysTests {

  private static Map<String, Object> file(Object... keyValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put((String) keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  @Test
  void shouldNameATypoAndTheKeyItMeant() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigKeys.check("agentbillguard.yaml", file("sesion_budget_usd", 3, "port", 8788)));
    assertTrue(e.getMessage().startsWith("unknown key 'sesion_budget_usd' — did you mean 'session_budget_usd'? (in agentbillguard.yaml"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
      "weekly_budget_usd, daily_budget_usd",
      "alerts,            port",
      "pricing_fle,       pricing_file",
      "Session_Budget_USD,session_budget_usd",
      "blockonlimit,      block_on_limit",
      "wran_at,           warn_at",
      "alowed_hosts,      allowed_hosts",
  })
  void shouldRefuseKeysOfFeaturesThatDoNotExistAndOtherTypos(String key, String nearest) {
    assertEquals(Optional.of(nearest), ConfigKeys.unknown(key));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigKeys.check("f.yaml", file(key, "x")));
    assertTrue(e.getMessage().startsWith("unknown key '" + key + "' — did you mean '" + nearest + "'?"), e.getMessage());
  }

  @Test
  void shouldAcceptEveryKeyOfTheReadmeThePricingSectionAndQuarkusSettings() {
    Map<String, Object> all = new LinkedHashMap<>();
    ConfigKeys.KNOWN.forEach(k -> all.put(k, "x"));
    all.put("pricing.claude-opus-5-5.input", "5");
    all.put("quarkus", Map.of("log", Map.of("level", "DEBUG")));
    all.put("quarkus.log.level", "DEBUG");
    ConfigKeys.check("f.yaml", all);
  }

  @Test
  void shouldEscapeAKeyThatCarriesControlCharacters() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigKeys.check("f.yaml", file("port\u001b[2J", 1)));
    assertTrue(e.getMessage().startsWith("unknown key 'port\\x1b[2J' — did you mean 'port'?"), e.getMessage());
  }

  @Test
  void shouldCountATranspositionAsOneEdit() {
    assertEquals(1, ConfigKeys.distance("wran_at", "warn_at"));
    assertEquals(1, ConfigKeys.distance("sesion_budget_usd", "session_budget_usd"));
    assertEquals(0, ConfigKeys.distance("port", "port"));
  }

  @Test
  void shouldReadTheNewKeys() {
    Map<String, String> v = Map.of("allowed_hosts", "abg.internal, *.corp.example,10.0.0.5", "metrics_session_ttl", "30m", "metrics_max_sessions", "50");
    AbgConfig c = new ConfigLoader(k -> Optional.ofNullable(v.get(k))).load(Map.of());
    assertEquals(java.util.List.of("abg.internal", "*.corp.example", "10.0.0.5"), c.allowedHosts());
    assertEquals(java.time.Duration.ofMinutes(30), c.metrics().sessionTtl());
    assertEquals(50, c.metrics().maxSessions());
    AbgConfig d = new ConfigLoader(k -> Optional.empty()).load(Map.of());
    assertEquals(java.time.Duration.ofHours(1), d.metrics().sessionTtl());
    assertEquals(200, d.metrics().maxSessions());
    assertEquals(java.util.List.of(), d.allowedHosts());
    assertTrue(d.describe().contains("allowed_hosts=- metrics_session_ttl=3600s metrics_max_sessions=200"), d.describe());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "allowed_hosts        | http://abg.internal | bad configuration: allowed_hosts = 'http://abg.internal': each entry must be a host name such as abg.internal, a pattern such as *.abg.internal or an IP address, without a scheme or a port",
      "allowed_hosts        | abg.internal:8788   | bad configuration: allowed_hosts = 'abg.internal:8788': each entry must be a host name such as abg.internal, a pattern such as *.abg.internal or an IP address, without a scheme or a port",
      "metrics_session_ttl  | an hour             | bad configuration: metrics_session_ttl = 'an hour': must be a duration such as 90s, 30m, 1h or 2d",
      "metrics_session_ttl  | 60                  | bad configuration: metrics_session_ttl = '60': must be a duration such as 90s, 30m, 1h or 2d",
      "metrics_max_sessions | -1                  | bad configuration: metrics_max_sessions = '-1': must be a whole number from 0 to 100000",
  })
  void shouldNameTheKeyOfABadNewValue(String key, String value, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(k -> k.equals(key) ? Optional.of(value) : Optional.empty()).load(Map.of()));
    assertEquals(message, e.getMessage());
  }

  @Test
  void shouldKnowEveryKeyTheLoaderReads() throws Exception {
    String loader = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/java/dev/abg/config/ConfigLoader.java"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:text|integer|decimal|bool|flag|url|duration)\\(\"([a-z_]+)\"").matcher(loader);
    java.util.Set<String> read = new java.util.TreeSet<>();
    while (m.find()) {
      read.add(m.group(1));
    }
    org.junit.jupiter.api.Assertions.assertTrue(read.size() > 20, read.toString());
    read.removeAll(ConfigKeys.KNOWN);
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(), read, "keys the loader reads that the key check would refuse");
  }
}
