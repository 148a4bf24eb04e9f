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
import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

import dev.abg.config.AbgConfig;
import dev.abg.config.ConfigLoader;
import dev.abg.testing.Postgres;
import dev.abg.spend.ledger.LedgerStore;

/**
 * A real SpendService on a real SQLite file — or, {@link #postgres}, on a schema of its own in a real PostgreSQL server
 * (team mode) — built without CDI (constructor injection), that can be "restarted" on the same store. Public for the
 * ledger benchmark ({@code dev.abg.bench.LedgerBench}).
 */
public final class LedgerFixture implements AutoCloseable {

  final Path dir;
  final Map<String, String> settings = new HashMap<>();
  Clock clock = Clock.systemUTC();
  int busyTimeoutMillis = 5000;
  SpendService spend;
  DataSource dataSource;
  /** Team mode: the PostgreSQL schema of this fixture; null for SQLite. */
  private final String schema;
  /** Team mode: a connection pool sized as the product's "team" datasource (application.properties) instead of one connection per call. */
  private boolean pooled;
  private io.agroal.api.AgroalDataSource pool;

  public LedgerFixture(Path dir) {
    this(dir, null);
  }

  /** A fixture on a new schema of the test PostgreSQL server ({@link Postgres}); {@link #close()} drops it. */
  public static LedgerFixture postgres(Path dir) {
    return new LedgerFixture(dir, Postgres.newSchema()).pooled();
  }

  /** A second instance on the same store (team mode: another abg sharing the schema). */
  public LedgerFixture sibling() {
    LedgerFixture other = new LedgerFixture(dir, schema, false);
    other.settings.putAll(settings);
    other.pooled = pooled;
    return other;
  }

  private final boolean ownsSchema;

  private LedgerFixture(Path dir, String schema) {
    this(dir, schema, true);
  }

  private LedgerFixture(Path dir, String schema, boolean ownsSchema) {
    this.dir = dir;
    this.schema = schema;
    this.ownsSchema = ownsSchema;
    if (schema != null) {
      settings.put("db_url", Postgres.url(schema));
      settings.put("db_user", Postgres.USER);
    }
    settings.put("db_path", dir.resolve("abg.db").toString());
    settings.put("session_budget_usd", "5");
    settings.put("daily_budget_usd", "20");
    settings.put("timezone", "UTC");
  }

  /**
   * Team mode: connections from an Agroal pool configured as the product's {@code team} datasource (min 0, max 12)
   * rather than a new connection per call: for the ledger benchmark, where connecting would otherwise dominate.
   */
  public LedgerFixture pooled() {
    this.pooled = true;
    return this;
  }

  public LedgerFixture with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  public SpendService start() {
    AbgConfig config = new ConfigLoader(key -> Optional.ofNullable(settings.get(key))).load(Map.of());
    Flyway flyway;
    if (config.team().isEmpty()) {
      SQLiteDataSource sqlite = new SQLiteDataSource();
      sqlite.setUrl("jdbc:sqlite:" + config.dbPath() + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=" + busyTimeoutMillis + "&foreign_keys=true&cache_size=-256");   // as application.properties
      dataSource = sqlite;
      flyway = Flyway.configure().dataSource(dataSource).locations("filesystem:db/migration").load();
    } else {
      if (pooled) {
        if (pool != null) {
          pool.close();
        }
        dataSource = pool = newPool(config.team().orElseThrow().url());
      } else {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(config.team().orElseThrow().url());
        pg.setUser(config.team().get().user().orElse(Postgres.USER));
        dataSource = pg;
      }
      flyway = Flyway.configure().dataSource(dataSource).locations("filesystem:db/postgresql").load();
    }
    spend = new SpendService(config, new LedgerStore(config, dataSource, flyway), new Prices(config), clock, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    return spend;
  }

  private static io.agroal.api.AgroalDataSource newPool(String url) {
    try {
      return io.agroal.api.AgroalDataSource.from(new io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier()
          .connectionPoolConfiguration(cp -> cp.minSize(0).initialSize(0).maxSize(12)
              .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url).trackJdbcResources(false)   // as the proxy's pools
                  .principal(new io.agroal.api.security.NamePrincipal(Postgres.USER)))));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the connection pool: " + e.getMessage(), e);
    }
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
      spend = null;
    }
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }

  /** Closes the service and, for a PostgreSQL fixture that made its schema, drops it. */
  public void dispose() {
    close();
    if (schema != null && ownsSchema) {
      Postgres.dropSchema(schema);
    }
  }
}
