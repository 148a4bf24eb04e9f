package dev.abg.spend;

import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import dev.abg.config.ConfigException;
import dev.abg.spend.price.PriceTable;

/** The active price table: the built-in one with the config file's {@code pricing} overrides. */
@Singleton
public class Prices {

  private volatile PriceTable table;

  Prices(AbgConfig config) {
    try {
      this.table = PriceTable.builtIn().withOverrides(config.pricing());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad configuration: " + e.getMessage());
    }
  }

  public PriceTable table() {
    return table;
  }
}
