package dev.abg.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;

import javax.sql.DataSource;

/**
 * Writes request rows straight into the application's ledger, as fast as JDBC batches go, for tests that need many rows
 * or rows at chosen times. The session must exist (create it through the API first); its in-memory spend is not touched.
 */
final class LedgerRows {

  private static final String INSERT = """
      INSERT INTO requests (started_at, ended_at, day, session_id, agent_id, client, provider, endpoint, model, priced_as, price_fallback,
        input_tokens, output_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, cached_input_tokens,
        reasoning_tokens, cost_micros, session_total_micros, action, usage_source, price_version, upstream_status, request_id)
      VALUES (?, ?, ?, ?, ?, 'claude-code', 'anthropic', '/v1/messages', ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, 'allow', 'reported',
        'builtin-2026-12-04', 200, ?)""";

  private LedgerRows() {
  }

  /**
   * Inserts {@code count} rows of {@code session}, the n-th ending at {@code firstEnd + n × step} ms, costing n µ$, with
   * {@code request_id} {@code req-<n>}.
   */
  static void insert(DataSource dataSource, String session, int count, Instant firstEnd, long stepMillis, String model, boolean fallback)
      throws SQLException {
    insert(dataSource, session, count, firstEnd, stepMillis, model, fallback, ZoneId.of("UTC"));
  }

  /** As above, with each row's day taken in {@code zone} (the application's time zone). */
  static void insert(DataSource dataSource, String session, int count, Instant firstEnd, long stepMillis, String model, boolean fallback, ZoneId zone)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        long total = 0;
        for (int n = 0; n < count; n++) {
          Instant ended = firstEnd.plusMillis(n * stepMillis);
          total += n;
          int i = 1;
          ps.setString(i++, ended.minusMillis(500).toString());
          ps.setString(i++, ended.toString());
          ps.setString(i++, ended.atZone(zone).toLocalDate().toString());
          ps.setString(i++, session);
          ps.setString(i++, n % 3 == 0 ? "agent_sub" : null);
          ps.setString(i++, model);
          ps.setString(i++, fallback ? "claude-sonnet-4-6" : model);
          ps.setInt(i++, fallback ? 1 : 0);
          ps.setLong(i++, 100 + n);
          ps.setLong(i++, 10 + n);
          ps.setLong(i++, n);
          ps.setLong(i++, total);
          ps.setString(i, "req-" + n);
          ps.addBatch();
          if (n % 1_000 == 999) {
            // a commit per thousand rows: in one PostgreSQL transaction, every row's trigger update of the same
            // session_totals row walks all the versions the transaction made before (quadratic over 100,000 rows)
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }
}
