package dev.abg.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Live config: watches the config file ({@code --config FILE}, {@code ABG_CONFIG} or {@code ./agentbillguard.yaml}, as
 * given to Quarkus in {@code quarkus.config.locations}) and hands its budget keys to a listener within seconds of an
 * edit. A bad edit — a bad value, or a key abg does not know ({@link ConfigKeys}) — is rejected with a log line naming the
 * key, and the values in force are kept. Only the budget keys
 * ({@code session_budget_usd}, {@code daily_budget_usd}, {@code warn_at}, {@code block_on_limit}) change live; the others
 * need a restart.
 */
public final class ConfigWatcher {

  private static final Logger DECISIONS = Logger.getLogger("abg");

  private final Path file;
  private final Consumer<BudgetSettings> listener;
  private FileTime seen;
  private BudgetSettings current;

  ConfigWatcher(Path file, BudgetSettings current, Consumer<BudgetSettings> listener) {
    this.file = file;
    this.current = current;
    this.listener = listener;
    this.seen = modified(file);
  }

  /** The file Quarkus read the configuration from, if there was one. */
  static Optional<Path> configFile() {
    return ConfigProvider.getConfig().getOptionalValue("quarkus.config.locations", String.class)
        .map(v -> v.split(",")[0].trim()).map(v -> v.startsWith("file:") ? v.substring(5) : v).map(Path::of).filter(Files::isRegularFile);
  }

  public Path file() {
    return file;
  }

  /** Checks the file once: call it periodically (blocking file I/O: not on an event loop). */
  public synchronized void check() {
    FileTime now = modified(file);
    if (now == null || now.equals(seen)) {
      return;
    }
    seen = now;
    BudgetSettings next;
    try {
      Map<String, Object> values = read(file);
      ConfigKeys.check(file.toString(), values);
      next = new ConfigLoader(key -> Optional.ofNullable(values.get(key)).map(String::valueOf)).budgets();
    } catch (IOException | RuntimeException e) {
      DECISIONS.warnf("CONFIG rejected the edit of %s: %s; keeping session_budget_usd=%s daily_budget_usd=%s warn_at=%s block_on_limit=%s", file,
          e.getMessage(), current.sessionBudgetUsd(), current.dailyBudgetUsd().map(Object::toString).orElse("off"), current.warnAt(),
          current.blockOnLimit());
      return;
    }
    if (next.equals(current)) {
      return;
    }
    DECISIONS.infof("CONFIG %s changed: session_budget_usd=%s daily_budget_usd=%s warn_at=%s block_on_limit=%s", file, next.sessionBudgetUsd(),
        next.dailyBudgetUsd().map(Object::toString).orElse("off"), next.warnAt(), next.blockOnLimit());
    current = next;
    listener.accept(next);
  }

  /** The file's top-level mapping, as YAML reads it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map)) {
        throw new ConfigException("the file is not a YAML mapping of keys to values");
      }
      return (Map<String, Object>) doc;
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }
}
