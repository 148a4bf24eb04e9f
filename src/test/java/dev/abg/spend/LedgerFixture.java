package dev.abg.spend;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

import dev.abg.config.AbgConfig;
import dev.abg.config.ConfigLoader;

/**
 * A real SpendService on a real SQLite file, built without CDI (constructor injection), that can be "restarted" on the
 * same file. Public for the ledger benchmark ({@code dev.abg.bench.LedgerBench}).
 */
public final class LedgerFixture implements AutoCloseable {

  final Path dir;
  final Map<String, String> settings = new HashMap<>();
  Clock clock = Clock.systemUTC();
  int busyTimeoutMillis = 5000;
  SpendService spend;
  SQLiteDataSource dataSource;

  public LedgerFixture(Path dir) {
    this.dir = dir;
    settings.put("db_path", dir.resolve("abg.db").toString());
    settings.put("session_budget_usd", "5");
    settings.put("daily_budget_usd", "20");
    settings.put("timezone", "UTC");
  }

  public LedgerFixture with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  public SpendService start() {
    AbgConfig config = new ConfigLoader(key -> Optional.ofNullable(settings.get(key))).load(Map.of());
    dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + config.dbPath() + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=" + busyTimeoutMillis + "&foreign_keys=true");
    Flyway flyway = Flyway.configure().dataSource(dataSource).locations("filesystem:db/migration").load();
    spend = new SpendService(config, new LedgerStore(config, dataSource, flyway), new Prices(config), clock, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    return spend;
  }

  SpendService restart() {
    spend.close();
    return start();
  }

  long queryLong(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String queryString(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Override
  public void close() {
    if (spend != null) {
      spend.close();
    }
  }
}
