package dev.abg.spend.price;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.logging.Log;

/**
 * Logs a fallback price once per model name and table. The set of names logged is bounded, so that an agent
 * sending ever new names cannot grow it without end; past the bound the ledger rows still carry the fallback flag.
 */
final class FallbackLog {

  static final int MAX_NAMES = 1024;

  private final String tableVersion;
  private final int maxNames;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  FallbackLog(String tableVersion) {
    this(tableVersion, MAX_NAMES);
  }

  FallbackLog(String tableVersion, int maxNames) {
    this.tableVersion = tableVersion;
    this.maxNames = maxNames;
  }

  /** Logs the fallback unless this name was logged before; returns whether it logged. */
  boolean once(String model, ModelResolver.Match match) {
    String name = model == null || model.isBlank() ? "" : model.trim();
    if (logged.size() >= maxNames || !logged.add(name)) {
      return false;
    }
    Log.warnf("[abg] PRICE model=%s is not in price table %s: priced as %s (%s)",
        name.isEmpty() ? "(none)" : name, tableVersion, match.price().model(), match.reason());
    return true;
  }
}
