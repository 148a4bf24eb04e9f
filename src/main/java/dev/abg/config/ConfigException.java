package dev.abg.config;

/** A bad configuration value; the message names the key, the value and what is allowed. */
public class ConfigException extends RuntimeException {

  public ConfigException(String key, String value, String expected) {
    super("bad configuration: " + key + " = '" + value + "': " + expected);
  }

  public ConfigException(String message) {
    super(message);
  }
}
