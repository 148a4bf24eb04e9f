package dev.abg.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.quarkus.logging.Log;

/**
 * Reads the flat keys through MicroProfile Config (the YAML file, then system properties and the environment), after
 * checking that the file holds no key abg does not know ({@link ConfigKeys}).
 */
final class ConfigProducer {

  static final String PRICING_PREFIX = "pricing.";

  @Produces
  @Singleton
  AbgConfig abgConfig(Config config) {
    ConfigWatcher.configFile().ifPresent(ConfigProducer::checkKeys);
    Map<String, String> pricing = new HashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(PRICING_PREFIX)) {
        config.getOptionalValue(name, String.class).ifPresent(v -> pricing.put(name.substring(PRICING_PREFIX.length()), v));
      }
    }
    AbgConfig loaded = new ConfigLoader(key -> config.getOptionalValue(key, String.class)).load(pricing);
    // the effective configuration, secrets masked, once at start (as HikariCP's logConfiguration does)
    Log.infof("[abg] config: %s", loaded.describe());
    return loaded;
  }

  /** An unknown key in the config file stops the start, naming the key and the nearest known one. */
  private static void checkKeys(Path file) {
    try {
      ConfigKeys.check(file.toString(), ConfigWatcher.read(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read the config file " + file + ": " + e.getMessage());
    }
  }
}
