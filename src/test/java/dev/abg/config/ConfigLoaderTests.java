package dev.abg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The admin API's safety rule at start: listening beyond loopback needs an admin token. */
class ConfigLoaderTests {

  private static AbgConfig load(String... keyValues) {
    Map<String, String> raw = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      raw.put(keyValues[i], keyValues[i + 1]);
    }
    return new ConfigLoader(key -> Optional.ofNullable(raw.get(key))).load(Map.of());
  }

  @Test
  void shouldRefuseNonLoopbackBindWithoutAdminToken() {
    for (String bind : new String[] {"0.0.0.0", "::", "192.0.2.10"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("bind", bind));
      assertTrue(e.getMessage().contains("refusing to listen on bind = '" + bind + "' without admin_token"), e.getMessage());
      assertTrue(e.getMessage().contains("Set admin_token"), e.getMessage());
    }
  }

  @Test
  void shouldAcceptNonLoopbackBindWithAdminToken() {
    AbgConfig config = load("bind", "0.0.0.0", "admin_token", "0123456789abcdef");
    assertEquals("0.0.0.0", config.bind());
    assertEquals(Optional.of("0123456789abcdef"), config.adminToken());
    assertTrue(config.describe().contains("admin_token=<masked>"));
    assertTrue(!config.describe().contains("0123456789abcdef"));
  }

  @Test
  void shouldAcceptLoopbackWithoutAdminToken() {
    for (String bind : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
      assertEquals(Optional.empty(), load("bind", bind).adminToken());
    }
    assertEquals("127.0.0.1", load().bind());
  }

  @Test
  void shouldRefuseShortAdminToken() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("admin_token", "short"));
    assertTrue(e.getMessage().contains("admin_token"), e.getMessage());
    assertTrue(!e.getMessage().contains("short'"), "the token is never printed: " + e.getMessage());
  }
}
