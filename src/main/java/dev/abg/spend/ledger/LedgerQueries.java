package dev.abg.spend.ledger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import dev.abg.spend.Usage;
import dev.abg.spend.Provider;
import dev.abg.spend.UsageSource;

/**
 * Read-only queries of the ledger for the admin API: pages of request rows and events, the streamed export, a session's
 * spend by model and by agent, and the unknown models seen. Reads never go through the {@link LedgerWriter}: each opens
 * its own pooled connection, and SQLite in WAL mode gives every statement a consistent snapshot while the writer goes on.
 *
 * <p>A row's time ({@code ts} of the JSONL line) is when it was recorded, {@code ended_at}; time filters compare the
 * ISO-8601 text without its trailing {@code Z}, which sorts in time order whatever the number of fraction digits (see
 * {@code V2__ledger_query_indexes.sql}).
 */
@Singleton
public class LedgerQueries {

  private static final String ROW_COLUMNS = """
      id, started_at, ended_at, day, session_id, agent_id, client, provider, endpoint, model, priced_as, price_fallback,
      input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, cached_input_tokens, output_tokens,
      reasoning_tokens, cost_micros, session_total_micros, action, usage_source, price_version, upstream_status, request_id, speed, inference_geo,
      service_tier, web_search_requests, web_fetch_requests""";
  /** Rows are handed from the database in small steps; the export never holds more than this many at once. */
  static final int EXPORT_FETCH_SIZE = 256;

  private final DataSource dataSource;

  LedgerQueries(LedgerStore store) {
    this.dataSource = store.dataSource();
  }

  /** Which rows: one session (or all), {@code since} inclusive and {@code until} exclusive on the row's time; nulls leave a bound open. */
  public record RowFilter(String sessionId, Instant since, Instant until) {
  }

  /** Which events: one session, one kind, a time range; nulls leave a criterion open. */
  public record EventFilter(String sessionId, String kind, Instant since, Instant until) {
  }

  /** Where a page starts: after the row (or event) {@code afterId} in the page order; null for the first page. */
  public record Page(Long afterId, boolean newestFirst, int limit) {
  }

  /** Receives the exported rows one at a time; an exception stops the export. */
  public interface RowSink {
    void accept(LedgerRow row) throws IOException;
  }

  /** A session's settled requests of one model. */
  public record ModelSpend(String model, long requests, long costMicros, long inputTokens, long outputTokens) {
  }

  /** A session's settled requests of one agent; {@code agentId} null for the main agent. */
  public record AgentSpend(String agentId, long requests, long costMicros) {
  }

  /**
   * A session as the ledger knows it: the breakdowns and request count since its last reset, and its lifetime totals.
   */
  public record SessionLedger(List<ModelSpend> byModel, List<AgentSpend> byAgent, long requestsSinceReset, long lifetimeRequests,
                              long lifetimeSpentMicros, Optional<Instant> lastResetAt) {
  }

  /** An audit event as stored; {@code detail} is the JSON object the ledger wrote. */
  public record StoredEvent(long id, Instant ts, String sessionId, String kind, String detail) {
  }

  /** A model the price table does not know, and the model whose prices it gets. */
  public record ModelFallback(String model, String pricedAs, long requests) {
  }

  // ---------------------------------------------------------------- request rows

  /** One page of request rows, in the order they were recorded (or the reverse); at most {@code page.limit()} rows. */
  public List<LedgerRow> requests(RowFilter filter, Page page) {
    Sql sql = rowQuery(filter);
    if (page.afterId() != null) {
      sql.and(page.newestFirst() ? "id < ?" : "id > ?", page.afterId());
    }
    sql.append(page.newestFirst() ? " ORDER BY id DESC" : " ORDER BY id").append(" LIMIT ?").param(page.limit());
    List<LedgerRow> rows = new ArrayList<>(page.limit());
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(row(rs));
      }
    } catch (SQLException e) {
      throw readFailed("request rows", e);
    }
    return rows;
  }

  /**
   * Hands every matching row to {@code sink}, oldest first, straight from a database cursor: memory use does not depend on
   * the number of rows. The statement's snapshot is taken when it starts, so each row that exists then is handed exactly
   * once. Blocks: call from a worker thread.
   *
   * @return the number of rows handed over
   */
  public long export(RowFilter filter, RowSink sink) throws IOException {
    Sql sql = rowQuery(filter).append(" ORDER BY id");
    long count = 0;
    try (Connection c = dataSource.getConnection()) {
      // in a transaction: PostgreSQL's driver fetches by the fetch size only there (else it reads every row at once);
      // both stores then export one consistent snapshot
      c.setAutoCommit(false);
      try (PreparedStatement ps = sql.prepare(c)) {
        ps.setFetchSize(EXPORT_FETCH_SIZE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(row(rs));
            count++;
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw readFailed("the export", e);
    }
    return count;
  }

  private static Sql rowQuery(RowFilter filter) {
    Sql sql = new Sql("SELECT " + ROW_COLUMNS + " FROM requests WHERE 1 = 1");
    if (filter.sessionId() != null) {
      sql.and("session_id = ?", filter.sessionId());
    }
    if (filter.since() != null) {
      sql.and("rtrim(ended_at, 'Z') >= ?", timeKey(filter.since()));
    }
    if (filter.until() != null) {
      sql.and("rtrim(ended_at, 'Z') < ?", timeKey(filter.until()));
    }
    return sql;
  }

  private static LedgerRow row(ResultSet rs) throws SQLException {
    int upstream = rs.getInt("upstream_status");
    Integer upstreamStatus = rs.wasNull() ? null : upstream;
    Usage usage = new Usage(rs.getLong("input_tokens"), rs.getLong("cache_creation_5m_tokens"), rs.getLong("cache_creation_1h_tokens"),
        rs.getLong("cache_read_tokens"), rs.getLong("cached_input_tokens"), rs.getLong("output_tokens"), rs.getLong("reasoning_tokens"),
        new Usage.Dimensions(rs.getString("speed"), rs.getString("inference_geo"), rs.getString("service_tier"), rs.getLong("web_search_requests"),
            rs.getLong("web_fetch_requests")));
    return new LedgerRow(rs.getLong("id"), Instant.parse(rs.getString("started_at")), Instant.parse(rs.getString("ended_at")),
        LocalDate.parse(rs.getString("day")), rs.getString("session_id"), rs.getString("agent_id"), rs.getString("client"),
        Provider.valueOf(rs.getString("provider").toUpperCase(Locale.ROOT)), rs.getString("endpoint"), rs.getString("model"),
        rs.getString("priced_as"), rs.getInt("price_fallback") != 0, usage, rs.getLong("cost_micros"), rs.getLong("session_total_micros"),
        LedgerRow.Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
        UsageSource.valueOf(rs.getString("usage_source").toUpperCase(Locale.ROOT)), rs.getString("price_version"), upstreamStatus,
        rs.getString("request_id"));
  }

  // ---------------------------------------------------------------- sessions

  /**
   * The session's breakdowns since its last reset and its lifetime totals; all zero for a session without rows. Read from
   * {@code session_totals}, which the writer keeps with every row (db/migration/V3__session_totals.sql).
   */
  public SessionLedger session(String sessionId) {
    try (Connection c = dataSource.getConnection()) {
      List<ModelSpend> byModel = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT NULLIF(model, ''), SUM(requests), SUM(cost_micros), SUM(input_tokens), SUM(output_tokens)
          FROM session_totals WHERE session_id = ? GROUP BY model HAVING SUM(requests) > 0 ORDER BY 3 DESC, 2 DESC, model""")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byModel.add(new ModelSpend(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
          }
        }
      }
      List<AgentSpend> byAgent = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT NULLIF(agent_id, ''), SUM(requests), SUM(cost_micros)
          FROM session_totals WHERE session_id = ? GROUP BY agent_id HAVING SUM(requests) > 0 ORDER BY 3 DESC, 2 DESC, NULLIF(agent_id, '')""")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byAgent.add(new AgentSpend(rs.getString(1), rs.getLong(2), rs.getLong(3)));
          }
        }
      }
      long sinceReset = byModel.stream().mapToLong(ModelSpend::requests).sum();
      long lifetimeRequests;
      long lifetimeSpent;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(lifetime_requests), 0), COALESCE(SUM(lifetime_cost_micros), 0) FROM session_totals WHERE session_id = ?")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          lifetimeRequests = rs.getLong(1);
          lifetimeSpent = rs.getLong(2);
        }
      }
      Optional<Instant> lastReset = Optional.empty();
      try (PreparedStatement ps = c.prepareStatement("SELECT ts FROM events WHERE session_id = ? AND kind = 'reset' ORDER BY id DESC LIMIT 1")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            lastReset = Optional.of(Instant.parse(rs.getString(1)));
          }
        }
      }
      return new SessionLedger(byModel, byAgent, sinceReset, lifetimeRequests, lifetimeSpent, lastReset);
    } catch (SQLException e) {
      throw readFailed("session " + sessionId, e);
    }
  }

  /** For each of the sessions: the number of its request rows since its last reset (absent sessions are left out). */
  public Map<String, Long> requestsSinceReset(Collection<String> sessionIds) {
    Map<String, Long> counts = new HashMap<>();
    List<String> ids = List.copyOf(sessionIds);
    int chunk = 200;
    try (Connection c = dataSource.getConnection()) {
      for (int from = 0; from < ids.size(); from += chunk) {
        List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
        String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("""
            SELECT s.id, (SELECT COALESCE(SUM(t.requests), 0) FROM session_totals t WHERE t.session_id = s.id)
            FROM sessions s WHERE s.id IN (%s)""".formatted(marks))) {
          for (int i = 0; i < part.size(); i++) {
            ps.setString(i + 1, part.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              counts.put(rs.getString(1), rs.getLong(2));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw readFailed("request counts", e);
    }
    return counts;
  }

  // ---------------------------------------------------------------- events

  /** One page of audit events, in the order they were recorded (or the reverse). */
  public List<StoredEvent> events(EventFilter filter, Page page) {
    Sql sql = new Sql("SELECT id, ts, session_id, kind, detail FROM events WHERE 1 = 1");
    if (filter.sessionId() != null) {
      sql.and("session_id = ?", filter.sessionId());
    }
    if (filter.kind() != null) {
      sql.and("kind = ?", filter.kind());
    }
    if (filter.since() != null) {
      sql.and("rtrim(ts, 'Z') >= ?", timeKey(filter.since()));
    }
    if (filter.until() != null) {
      sql.and("rtrim(ts, 'Z') < ?", timeKey(filter.until()));
    }
    if (page.afterId() != null) {
      sql.and(page.newestFirst() ? "id < ?" : "id > ?", page.afterId());
    }
    sql.append(page.newestFirst() ? " ORDER BY id DESC" : " ORDER BY id").append(" LIMIT ?").param(page.limit());
    List<StoredEvent> events = new ArrayList<>(page.limit());
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(new StoredEvent(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    } catch (SQLException e) {
      throw readFailed("events", e);
    }
    return events;
  }

  // ---------------------------------------------------------------- pricing

  /** The unknown models in the whole ledger, each with the model that priced it, sorted by model. */
  public List<ModelFallback> fallbacks() {
    return fallbacks(null);
  }

  /** The unknown models of the rows recorded on {@code day} (in the configured time zone). */
  public List<ModelFallback> fallbacksOn(LocalDate day) {
    return fallbacks(day);
  }

  private List<ModelFallback> fallbacks(LocalDate day) {
    Sql sql = new Sql("SELECT model, priced_as, COUNT(*) FROM requests WHERE price_fallback = 1");
    if (day != null) {
      sql.and("day = ?", day.toString());
    }
    sql.append(" GROUP BY model, priced_as ORDER BY model, priced_as");
    List<ModelFallback> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new ModelFallback(rs.getString(1), rs.getString(2), rs.getLong(3)));
      }
    } catch (SQLException e) {
      throw readFailed("unknown models", e);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** The ISO-8601 text of an instant without its trailing {@code Z}: sorts in time order against stored times treated alike. */
  static String timeKey(Instant instant) {
    String text = instant.toString();
    return text.endsWith("Z") ? text.substring(0, text.length() - 1) : text;
  }

  private static IllegalStateException readFailed(String what, SQLException e) {
    return new IllegalStateException("cannot read " + what + " from the ledger: " + e.getMessage(), e);
  }

  /** A statement built from optional criteria, with its parameters in order. */
  private static final class Sql {
    private final StringBuilder text;
    private final List<Object> params = new ArrayList<>();

    Sql(String start) {
      this.text = new StringBuilder(start);
    }

    Sql and(String condition, Object param) {
      text.append(" AND ").append(condition);
      params.add(param);
      return this;
    }

    Sql append(String more) {
      text.append(more);
      return this;
    }

    Sql param(Object param) {
      params.add(param);
      return this;
    }

    PreparedStatement prepare(Connection c) throws SQLException {
      PreparedStatement ps = c.prepareStatement(text.toString());
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      return ps;
    }
  }
}
