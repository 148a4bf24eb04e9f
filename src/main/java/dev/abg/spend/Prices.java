package dev.abg.spend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.abg.config.AbgConfig;
import dev.abg.config.ConfigException;
import dev.abg.spend.price.LiteLlmPriceMap;
import dev.abg.spend.price.PriceTable;

/**
 * The price table in force: the built-in one, under the rows of {@code pricing_file} (a LiteLLM-format price map, a file
 * or an http(s) URL, read at start and then daily), under the config file's {@code pricing} overrides. A URL's last good
 * copy is kept beside the ledger and used when the URL cannot be read; a map that does not parse, and an entry with a bad
 * price, are refused with a log line naming them, and the table in force stays.
 */
@Singleton
public class Prices {

  private static final Logger LOG = Logger.getLogger("abg");
  /** How often {@code pricing_file} is read again. */
  static final Duration REFRESH = Duration.ofDays(1);
  private static final long MAX_MAP_BYTES = 64L * 1024 * 1024;

  /**
   * Where the prices in force come from.
   *
   * @param file     {@code pricing_file} as configured, or null
   * @param fileRead when its rows in force were read (from the file, the URL or the kept copy), or null
   * @param models   how many of its models are in force
   * @param refused  its entries refused, each with why
   * @param problem  why the last read of it failed, or null
   */
  public record Sources(String builtin, String file, Instant fileRead, int models, List<String> refused, String problem, int configOverrides) {
  }

  private final AbgConfig config;
  private final ScheduledExecutorService refresher;
  private volatile PriceTable table;
  private volatile Sources sources;

  Prices(AbgConfig config) {
    this.config = config;
    this.sources = new Sources(PriceTable.builtIn().version(), config.pricingFile().orElse(null), null, 0, List.of(), null, config.pricing().size());
    this.table = compose(null);
    config.pricingFile().ifPresent(file -> refresh(true));
    this.refresher = config.pricingFile().isPresent() ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "abg-prices");
      t.setDaemon(true);
      return t;
    }) : null;
    if (refresher != null) {
      refresher.scheduleWithFixedDelay(() -> refresh(false), REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public PriceTable table() {
    return table;
  }

  public Sources sources() {
    return sources;
  }

  /** Reads {@code pricing_file} again now; keeps the table in force when it cannot be read. */
  public synchronized void refresh(boolean atStart) {
    String location = config.pricingFile().orElseThrow();
    Instant now = Instant.now();
    String text;
    try {
      text = location.contains("://") ? fetch(location) : Files.readString(Path.of(location), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      String why = "cannot read pricing_file " + location + ": " + e.getMessage();
      Optional<String> kept = atStart && location.contains("://") ? keptCopy() : Optional.empty();
      if (kept.isEmpty()) {
        LOG.warnf("[abg] PRICES %s; the prices in force stay (%s)", why, table.version());
        sources = withProblem(why);
        return;
      }
      LOG.warnf("[abg] PRICES %s; using the copy kept from the last good read", why);
      text = kept.get();
      now = keptAt();
    }
    LiteLlmPriceMap.Rows rows;
    try {
      rows = LiteLlmPriceMap.read(text, PriceTable.builtIn());
    } catch (IOException | RuntimeException e) {
      String why = "pricing_file " + location + " is not a price map in LiteLLM's format: " + e.getMessage();
      LOG.warnf("[abg] PRICES %s; the prices in force stay (%s)", why, table.version());
      sources = withProblem(why);
      return;
    }
    for (String refused : rows.refused()) {
      LOG.warnf("[abg] PRICES pricing_file entry refused: %s", refused);
    }
    PriceTable next;
    try {
      next = compose(rows);
    } catch (IllegalArgumentException e) {
      LOG.warnf("[abg] PRICES pricing_file %s cannot be combined with the pricing overrides: %s; the prices in force stay", location, e.getMessage());
      sources = withProblem(e.getMessage());
      return;
    }
    if (location.contains("://")) {
      keep(text);
    }
    String before = table.version();
    table = next;
    sources = new Sources(PriceTable.builtIn().version(), location, now, rows.models(), rows.refused(), null, config.pricing().size());
    if (!before.equals(next.version())) {
      LOG.infof("[abg] PRICES pricing_file %s: %d models taken, %d refused; price table %s", location, rows.models(), rows.refused().size(), next.version());
    }
  }

  private Sources withProblem(String why) {
    Sources s = sources;
    return new Sources(s.builtin(), s.file(), s.fileRead(), s.models(), s.refused(), why, s.configOverrides());
  }

  /** Built-in, then the price map's rows, then the config file's overrides. */
  private PriceTable compose(LiteLlmPriceMap.Rows rows) {
    try {
      PriceTable base = rows == null ? PriceTable.builtIn() : PriceTable.builtIn().withPriceMap(rows);
      return base.withOverrides(config.pricing());
    } catch (IllegalArgumentException e) {
      if (rows == null) {
        throw new ConfigException("bad configuration: " + e.getMessage());
      }
      throw e;
    }
  }

  private static String fetch(String url) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("accept", "application/json").GET().build();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      if (response.body().length > MAX_MAP_BYTES) {
        throw new IOException("larger than " + (MAX_MAP_BYTES >> 20) + " MB");
      }
      return new String(response.body(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The last good copy of a URL's map: beside the ledger's database file. */
  private Path keptPath() {
    Path db = config.dbPath().toAbsolutePath();
    return (db.getParent() == null ? Path.of(".") : db.getParent()).resolve("pricing-file.json");
  }

  private void keep(String text) {
    Path kept = keptPath();
    try {
      Files.createDirectories(kept.getParent());
      Path tmp = kept.resolveSibling(kept.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warnf("[abg] PRICES cannot keep a copy of pricing_file at %s: %s", kept, e.getMessage());
    }
  }

  private Optional<String> keptCopy() {
    try {
      return Files.exists(keptPath()) ? Optional.of(Files.readString(keptPath(), StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Instant keptAt() {
    try {
      return Files.getLastModifiedTime(keptPath()).toInstant();
    } catch (IOException e) {
      return Instant.now();
    }
  }

  @PreDestroy
  void stop() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
