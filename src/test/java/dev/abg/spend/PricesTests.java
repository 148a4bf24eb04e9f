package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.abg.config.AbgConfig;
import dev.abg.config.ConfigLoader;

/** {@code pricing_file}: a LiteLLM-format map from a file or an HTTP URL, its kept copy, a broken map, and the config above it. */
class PricesTests {

  private static final Instant DEC_2026 = Instant.parse("2026-12-04T12:00:00Z");
  // gpt-5.6-sol: the built-in table's 4 / 20; the map's 5 / 30: 1000 in, 100 out
  private static final Usage USAGE = Usage.openAi(1000, 0, 0, 100, 0);
  private static final long BUILT_IN_MICROS = 1000 * 4 + 100 * 20;
  private static final long MAP_MICROS = 1000 * 5 + 100 * 30;

  @TempDir
  Path dir;

  private static String excerpt() throws IOException {
    try (InputStream in = PricesTests.class.getResourceAsStream("/pricing/litellm-excerpt.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Prices prices(String pricingFile, Map<String, String> pricing) {
    Map<String, String> settings = new HashMap<>();
    settings.put("db_path", dir.resolve("abg.db").toString());
    settings.put("pricing_file", pricingFile);
    AbgConfig config = new ConfigLoader(key -> Optional.ofNullable(settings.get(key))).load(pricing);
    return new Prices(config);
  }

  private static long cost(Prices prices) {
    return prices.table().price(Provider.OPENAI, "gpt-5.6-sol", USAGE, DEC_2026).costMicros();
  }

  @Test
  void shouldTakeAMapFromAFile() throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, excerpt());
    Prices prices = prices(file.toString(), Map.of());
    assertEquals(MAP_MICROS, cost(prices));
    assertEquals(4, prices.sources().models());
    assertEquals(1, prices.sources().refused().size());
    assertNull(prices.sources().problem());
    assertTrue(prices.table().version().startsWith("builtin-2026-12-04+file-"), prices.table().version());
    prices.stop();
  }

  @Test
  void shouldTakeAMapFromAUrlKeepACopyAndUseItWhenTheUrlFails() throws IOException {
    AtomicReference<String> served = new AtomicReference<>(excerpt());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/prices.json", exchange -> {
      String body = served.get();
      if (body == null) {
        exchange.sendResponseHeaders(503, -1);
      } else {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/prices.json";
      Prices first = prices(url, Map.of());
      assertEquals(MAP_MICROS, cost(first));
      assertTrue(Files.exists(dir.resolve("pricing-file.json")), "the last good copy is kept beside the ledger");
      first.stop();

      served.set(null);                                   // the URL fails: the next start uses the kept copy
      Prices second = prices(url, Map.of());
      assertEquals(MAP_MICROS, cost(second));
      second.stop();

      served.set("{ this is not json");                   // a broken map: refused, the table in force stays
      Prices third = prices(url, Map.of());
      assertEquals(BUILT_IN_MICROS, cost(third));
      assertNotNull(third.sources().problem());
      assertTrue(third.sources().problem().contains("not a price map in LiteLLM's format"), third.sources().problem());
      served.set(excerpt());
      third.refresh(false);                               // the daily read takes the good map again
      assertEquals(MAP_MICROS, cost(third));
      assertNull(third.sources().problem());
      third.stop();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldKeepTheBuiltInTableWhenTheFileIsMissing() {
    Prices prices = prices(dir.resolve("missing.json").toString(), Map.of());
    assertEquals(BUILT_IN_MICROS, cost(prices));
    assertTrue(prices.sources().problem().startsWith("cannot read pricing_file"), prices.sources().problem());
    prices.stop();
  }

  @Test
  void shouldLetTheConfigOverridesBeatTheFile() throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, excerpt());
    Prices prices = prices(file.toString(), Map.of("gpt-5.6-sol.input", "4"));
    assertEquals(1000 * 4 + 100 * 30, cost(prices));
    prices.stop();
  }
}
