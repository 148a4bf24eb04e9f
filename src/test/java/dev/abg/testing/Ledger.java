package dev.abg.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Reads the application's ledger straight from its database, as an auditor would: through the application's DataSource in a
 * {@code @QuarkusTest}, or over JDBC from the files of a packaged proxy ({@link AbgProcess#ledger()}) or a team-mode schema.
 */
public final class Ledger {

  private interface Connections {
    Connection open() throws SQLException;
  }

  private final Connections connections;

  public Ledger(DataSource dataSource) {
    this.connections = dataSource::getConnection;
  }

  private Ledger(Connections connections) {
    this.connections = connections;
  }

  /** The SQLite ledger file, e.g. {@code data/abg.db} of a packaged proxy. */
  public static Ledger sqlite(Path file) {
    return jdbc("jdbc:sqlite:" + file, null);
  }

  /** A ledger over JDBC (team mode: {@link Postgres#url(String)} and {@link Postgres#USER}); {@code user} null for none. */
  public static Ledger jdbc(String url, String user) {
    return new Ledger(() -> user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, ""));
  }

  /** The {@code requests} rows of a session, oldest first, as column → value. */
  public List<Map<String, Object>> rows(String sessionId) {
    return query("SELECT * FROM requests WHERE session_id = ? ORDER BY id", sessionId);
  }

  public Map<String, Object> lastRow(String sessionId) {
    List<Map<String, Object>> rows = rows(sessionId);
    if (rows.isEmpty()) {
      throw new AssertionError("no ledger row for session " + sessionId);
    }
    return rows.get(rows.size() - 1);
  }

  public List<Map<String, Object>> query(String sql, Object... args) {
    return select(sql, args, rs -> {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    });
  }

  /** The first column of the first row as a number, 0 for NULL. */
  public long number(String sql, Object... args) {
    Object v = first(sql, args);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** The first column of the first row as text. */
  public String text(String sql, Object... args) {
    Object v = first(sql, args);
    return v == null ? null : v.toString();
  }

  /** Every row as its columns' text ({@code ResultSet.getString}), for comparing a query's answer as a whole. */
  public List<List<String>> table(String sql, Object... args) {
    return select(sql, args, rs -> {
      int n = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    });
  }

  /** SQLite's {@code PRAGMA integrity_check}: {@code "ok"} for a whole database. */
  public String integrityCheck() {
    return text("PRAGMA integrity_check");
  }

  private Object first(String sql, Object... args) {
    List<Map<String, Object>> rows = query(sql, args);
    if (rows.isEmpty()) {
      throw new AssertionError("no row for " + sql);
    }
    return rows.get(0).values().iterator().next();
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T select(String sql, Object[] args, Reader<T> reader) {
    try (Connection c = connections.open(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
