package dev.abg.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/** Reads the application's ledger straight from its SQLite file, as an auditor would. */
public final class Ledger {

  private final DataSource dataSource;

  public Ledger(DataSource dataSource) {
    this.dataSource = dataSource;
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
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
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
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long number(String sql, Object... args) {
    Object v = query(sql, args).get(0).values().iterator().next();
    return v == null ? 0 : ((Number) v).longValue();
  }
}
