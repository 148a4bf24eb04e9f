package dev.abg.config;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.quarkus.logging.Log;

/** Reads the flat keys through MicroProfile Config (the YAML file, then system properties and the environment). */
final class ConfigProducer {

  static final String PRICING_PREFIX = "pricing.";

  @Produces
  @Singleton
  AbgConfig abgConfig(Config config) {
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
}
