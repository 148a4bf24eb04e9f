package dev.abg.spend.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;

import dev.abg.config.AbgConfig;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.logging.Log;

/**
 * The ledger's database, migrated by Flyway at start and read back into the in-memory books: the SQLite file of
 * {@code db_path} (created owner-only), or in team mode ({@code db_url}) the PostgreSQL database that several instances
 * share. Both are configured datasources ({@code application.properties}); only the chosen one is ever connected to.
 */
@Singleton
public class LedgerStore {

  private final DataSource dataSource;
  private final boolean team;
  private final Path dbPath;
  private final String where;
  /** The database file's identity (device and inode) when it was opened; null in team mode or where there is none. */
  private final Object fileKey;
  private volatile String identityProblem;

  @Inject
  LedgerStore(AbgConfig config, DataSource sqlite, Flyway sqliteFlyway, @io.quarkus.agroal.DataSource("team") InjectableInstance<DataSource> postgres,
              @FlywayDataSource("team") InjectableInstance<Flyway> postgresFlyway) {
    this(config, config.team().isPresent() ? postgres.get() : sqlite, config.team().isPresent() ? postgresFlyway.get() : sqliteFlyway);
  }

  /** @param dataSource and {@code flyway}: the chosen store's (PostgreSQL when {@code config.team()} is set) */
  public LedgerStore(AbgConfig config, DataSource dataSource, Flyway flyway) {
    this.dataSource = dataSource;
    this.team = config.team().isPresent();
    this.dbPath = config.dbPath();
    this.where = team ? config.team().get().describe() : config.dbPath().toString();
    if (!team) {
      createOwnerOnly(config.dbPath());
    }
    org.flywaydb.core.api.output.MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (org.flywaydb.core.api.FlywayException e) {
      if (!team) {
        throw e;
      }
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new dev.abg.config.ConfigException("db_url", config.team().get().describe(),
          "cannot prepare the team ledger in PostgreSQL: " + e.getMessage().lines().findFirst().orElse("") + " (" + root.getMessage() + ")");
    }
    this.fileKey = team ? null : fileKey(dbPath);
    // the version comes from the migration's result: each flyway.info() would read the migrations and the history again
    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    Log.infof("[abg] ledger %s at schema version %s (%d migration(s) applied)",
        team ? "postgresql " + config.team().get().describe() + " (team mode)" : config.dbPath().toString(), version == null ? "-" : version,
        result.migrationsExecuted);
  }

  /** The journal of the writes the store could not take: beside the database file ({@code <db_path>.pending}). */
  public Path journalPath() {
    return dbPath.resolveSibling(dbPath.getFileName() + ".pending");
  }

  /** The store as messages name it: the SQLite file, or the PostgreSQL server. */
  public String where() {
    return where;
  }

  /**
   * Whether the database file is still the one opened at start (SQLite): null when it is, else what happened to it — it
   * was deleted, or another file took its place (a restore, a {@code mv}). Once lost, the pool's connections (which
   * still write to the old file) are closed, and the ledger takes no more writes until a restart.
   */
  public String identityProblem() {
    if (fileKey == null || identityProblem != null) {
      return identityProblem;
    }
    Object now = Files.exists(dbPath) ? fileKey(dbPath) : null;
    if (now == null || !now.equals(fileKey)) {
      identityProblem = now == null ? "the database file " + dbPath.toAbsolutePath() + " was deleted while abg ran"
          : "the database file " + dbPath.toAbsolutePath() + " was replaced by another file while abg ran";
      if (dataSource instanceof io.agroal.api.AgroalDataSource agroal) {
        agroal.flush(io.agroal.api.AgroalDataSource.FlushMode.ALL);
      }
    }
    return identityProblem;
  }

  private static Object fileKey(Path file) {
    try {
      Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      return key;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A JSONL ledger whose last line the database does not have (the database was deleted, or replaced by an older copy):
   * said at start, with the command that rebuilds the rows from it.
   */
  public void checkAgainst(JsonlLedger jsonl) {
    try {
      long last = jsonl.lastLedgerId();
      if (last > 0 && !hasRow(last)) {
        Log.errorf("[abg] LEDGER %s has rows that the database %s lacks (its last line, ledger id %d, is not there): rebuild them with "
            + "`abg ledger import %s` (rows already in the database are skipped)", jsonl.path(), where, last, jsonl.path());
      }
    } catch (IOException | RuntimeException e) {
      Log.warnf("[abg] LEDGER cannot compare %s with the database: %s", jsonl.path(), e.getMessage());
    }
  }

  /** Whether the ledger has the request row of this id (the JSONL ledger's check at start). */
  public boolean hasRow(long id) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM requests WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
    }
  }

  /** The chosen store's datasource (the admin reads, and tests that write rows directly). */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Team mode: the ledger is PostgreSQL, shared with other instances. */
  public boolean team() {
    return team;
  }

  /** The database file and its directory are created readable by the owner only; SQLite gives its WAL the same mode. */
  static void createOwnerOnly(Path file) {
    try {
      OwnerOnlyFile.create(file, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the ledger database " + file + ": " + e.getMessage(), e);
    }
  }



  /** Every session as stored. */
  public List<StoredSession> sessions() {
    return readSessions(null);
  }

  /**
   * The sessions seen since {@code since} (their last request or change), most recent first, at most {@code limit}:
   * what start-up loads, and what the status and the team heartbeat read, without reading every session ever seen.
   */
  public List<StoredSession> recentSessions(Instant since, int limit) {
    return query(" WHERE last_seen >= ? ORDER BY last_seen DESC LIMIT " + limit, since.minusSeconds(1).toString());
  }

  /**
   * A page of sessions in the list's order, after a position (keyset: the sort column, then the id): by spend, or by
   * last seen.
   *
   * @param afterKey the position's spend (micros) or last-seen time ({@link Instant#toString}); null: from the start
   */
  public List<StoredSession> sessionsInOrder(boolean bySpend, boolean descending, Boolean closed, String afterKey, String afterId, int limit) {
    String column = bySpend ? "spent_micros" : "last_seen";
    String cmp = descending ? "<" : ">";
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (closed != null) {
      where.append(" AND closed = ").append(closed ? 1 : 0);
    }
    if (afterKey != null) {
      where.append(" AND (").append(column).append(' ').append(cmp).append(" ? OR (").append(column).append(" = ? AND id > ?))");
      Object key = bySpend ? (Object) Long.parseLong(afterKey) : afterKey;
      args.add(key);
      args.add(key);
      args.add(afterId);
    }
    where.append(" ORDER BY ").append(column).append(descending ? " DESC" : " ASC").append(", id ASC LIMIT ").append(limit);
    return query(where.toString(), args.toArray());
  }

  private List<StoredSession> query(String tail, Object... args) {
    String sql = "SELECT id, label, cap_micros, spent_micros, " + (team ? "leased_micros" : "0") + ", requests, closed, first_seen, last_seen"
        + " FROM sessions" + tail;
    List<StoredSession> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long cap = rs.getLong(3);
          Long capMicros = rs.wasNull() ? null : cap;
          out.add(new StoredSession(rs.getString(1), rs.getString(2), capMicros, rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getInt(7) != 0,
              Instant.parse(rs.getString(8)), Instant.parse(rs.getString(9))));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the sessions from the ledger: " + e.getMessage(), e);
    }
    return out;
  }

  /** One session as stored (team mode: as another instance may just have changed it). */
  public java.util.Optional<StoredSession> session(String id) {
    return readSessions(id).stream().findFirst();
  }

  private List<StoredSession> readSessions(String id) {
    return id == null ? query("") : query(" WHERE id = ?", id);
  }

  public java.util.Optional<String> setting(String key) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read setting " + key + " from the ledger: " + e.getMessage(), e);
    }
  }

  public long dayTotal(LocalDate day) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE day = ?")) {
      ps.setString(1, day.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the day's total from the ledger: " + e.getMessage(), e);
    }
  }
}
