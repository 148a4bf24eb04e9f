package dev.abg.spend.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.abg.spend.Usage;

/**
 * The SQL of the ledger's writes, kept standard enough to run on PostgreSQL too, on the writer's one connection. The
 * statements of every request (the request row, the session's totals, a new session and its event) are prepared once
 * per connection and reused: preparing them cost as much as executing them. The rare admin changes are prepared when
 * used.
 *
 * <p>In team mode (PostgreSQL) {@link TeamSql} adds what the leases and the days' totals need, in the lock order that
 * keeps instances from deadlocking each other: a session's row before anything that hangs off it, the days last.
 */
final class LedgerSql implements AutoCloseable {

  private static final String INSERT_REQUEST = """
      INSERT INTO requests (started_at, ended_at, day, session_id, agent_id, client, provider, endpoint, model, priced_as,
        price_fallback, input_tokens, output_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
        cached_input_tokens, reasoning_tokens, cost_micros, session_total_micros, action, usage_source, price_version,
        upstream_status, request_id, speed, inference_geo, service_tier, web_search_requests, web_fetch_requests)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      RETURNING id""";

  /**
   * Adds requests to their session's totals and returns the session's total with them (in team mode other instances' rows
   * are in it too). A request row never waits for its session's creation to have succeeded: the session row is made if
   * missing — one statement, not an insert-if-missing and an update (the writer's CPU, docs/benchmarks/profiles.md item 12).
   */
  private static final String ADD_TO_SESSION = """
      INSERT INTO sessions (id, first_seen, last_seen, spent_micros, requests) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET spent_micros = sessions.spent_micros + excluded.spent_micros,
        requests = sessions.requests + excluded.requests, last_seen = excluded.last_seen
      RETURNING spent_micros""";

  private static final String CREATE_SESSION = """
      INSERT INTO sessions (id, label, cap_micros, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";

  private static final String INSERT_EVENT = "INSERT INTO events (ts, session_id, kind, detail) VALUES (?, ?, ?, ?) RETURNING id";

  private final Connection c;
  /** Team mode's lease and day statements; null on one instance (SQLite). */
  private final TeamSql team;
  private PreparedStatement insertRequest;
  private PreparedStatement addToSession;
  private PreparedStatement createSession;
  private PreparedStatement insertEvent;

  LedgerSql(Connection c, String teamInstanceId) {
    this.c = c;
    this.team = teamInstanceId == null ? null : new TeamSql(c, teamInstanceId);
  }

  /** Team mode: gives back part of this instance's lease on a session without a request row. */
  void returnLease(String sessionId, long micros) throws SQLException {
    team.returnLease(sessionId, micros);
  }

  /** Writes what the group's rows did to the days' totals: last in the transaction, after every session row. */
  void beforeCommit() throws SQLException {
    if (team != null) {
      team.flushDays();
    }
  }

  /** Forgets what a rolled-back group did to the days' totals. */
  void afterRollback() {
    if (team != null) {
      team.clearDays();
    }
  }

  /** A row as written: its id (0 when the write made none), and for a request row its session's total with it. */
  record Inserted(long id, long sessionTotalMicros) {
    static final Inserted NONE = new Inserted(0, 0);

    static Inserted id(long id) {
      return new Inserted(id, 0);
    }
  }

  /**
   * Writes a run of request rows (consecutive in the group): first each session's totals, once for the whole run — one
   * statement per session, not one per row (docs/benchmarks/profiles.md item 19) — then the rows in their order, each with its
   * session's total as it stood after that row. Sessions are added to in the order they first appear in the run; in team
   * mode the group is sorted by session, so that every writer locks the session rows it shares in the same order, and a
   * session's row before anything that hangs off it.
   *
   * @return for each row of the run, its id and its session's total with it
   */
  Inserted[] insertRequests(List<LedgerOp.InsertRequest> run) throws SQLException {
    if (insertRequest == null) {
      insertRequest = c.prepareStatement(INSERT_REQUEST);
      addToSession = c.prepareStatement(ADD_TO_SESSION);
    }
    Map<String, SessionRun> sessions = new LinkedHashMap<>();
    String[] started = new String[run.size()];
    String[] ended = new String[run.size()];
    for (int i = 0; i < run.size(); i++) {
      LedgerRow row = run.get(i).row();
      started[i] = row.startedAt().toString();
      ended[i] = row.endedAt().toString();
      sessions.computeIfAbsent(row.sessionId(), id -> new SessionRun()).add(row.costMicros(), started[i], ended[i]);
    }
    for (Map.Entry<String, SessionRun> session : sessions.entrySet()) {
      session.getValue().total = addToSession(session.getKey(), session.getValue());
    }
    // each row's total: the session's total after the run, less what the session's later rows in the run added
    long[] totals = new long[run.size()];
    for (int i = run.size() - 1; i >= 0; i--) {
      LedgerRow row = run.get(i).row();
      SessionRun session = sessions.get(row.sessionId());
      totals[i] = session.total;
      session.total -= row.costMicros();
    }
    Inserted[] written = new Inserted[run.size()];
    for (int i = 0; i < run.size(); i++) {
      LedgerOp.InsertRequest op = run.get(i);
      if (team != null) {
        team.settled(op.row().sessionId(), op.row().day().toString(), op.row().costMicros(), op.leaseMicros());
      }
      written[i] = new Inserted(insertRow(op.row(), started[i], ended[i], totals[i]), totals[i]);
    }
    return written;
  }

  /** What a run adds to one session: its cost, its requests, the first row's start and the last row's end. */
  private static final class SessionRun {
    long costMicros;
    int requests;
    String firstStarted;
    String lastEnded;
    /** The session's total after the run, then walked back row by row to each row's own. */
    long total;

    void add(long micros, String started, String ended) {
      costMicros += micros;
      requests++;
      if (firstStarted == null) {
        firstStarted = started;
      }
      lastEnded = ended;
    }
  }

  private long addToSession(String sessionId, SessionRun run) throws SQLException {
    addToSession.setString(1, sessionId);
    addToSession.setString(2, run.firstStarted);
    addToSession.setString(3, run.lastEnded);
    addToSession.setLong(4, run.costMicros);
    addToSession.setInt(5, run.requests);
    try (java.sql.ResultSet total = addToSession.executeQuery()) {
      if (!total.next()) {
        throw new SQLException("no session row for " + sessionId);
      }
      return total.getLong(1);
    }
  }

  private long insertRow(LedgerRow row, String started, String ended, long sessionTotal) throws SQLException {
    PreparedStatement ps = insertRequest;
    int i = 1;
    ps.setString(i++, started);
    ps.setString(i++, ended);
    ps.setString(i++, row.day().toString());
    ps.setString(i++, row.sessionId());
    ps.setString(i++, row.agentId());
    ps.setString(i++, row.client());
    ps.setString(i++, row.provider().wireName());
    ps.setString(i++, row.endpoint());
    ps.setString(i++, row.model());
    ps.setString(i++, row.pricedAs());
    ps.setInt(i++, LedgerWriter.flag(row.priceFallback()));
    Usage u = row.usage();
    ps.setLong(i++, u.inputTokens());
    ps.setLong(i++, u.outputTokens());
    ps.setLong(i++, u.cacheWrite5mTokens());
    ps.setLong(i++, u.cacheWrite1hTokens());
    ps.setLong(i++, u.cacheReadTokens());
    ps.setLong(i++, u.cachedInputTokens());
    ps.setLong(i++, u.reasoningTokens());
    ps.setLong(i++, row.costMicros());
    ps.setLong(i++, sessionTotal);
    ps.setString(i++, row.action().wireName());
    ps.setString(i++, row.usageSource().wireName());
    ps.setString(i++, row.priceVersion());
    if (row.upstreamStatus() == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, row.upstreamStatus());
    }
    ps.setString(i++, row.requestId());
    Usage.Dimensions d = u.dimensions();
    ps.setString(i++, d.speed());
    ps.setString(i++, d.inferenceGeo());
    ps.setString(i++, d.serviceTier());
    ps.setLong(i++, d.webSearches());
    ps.setLong(i, d.webFetches());
    return returnedId(ps);
  }

  long createSession(LedgerOp.CreateSession op) throws SQLException {
    if (createSession == null) {
      createSession = c.prepareStatement(CREATE_SESSION);
    }
    PreparedStatement ps = createSession;
    ps.setString(1, op.sessionId());
    ps.setString(2, op.label());
    setNullableLong(ps, 3, op.capMicros());
    ps.setString(4, op.at().toString());
    ps.setString(5, op.at().toString());
    if (ps.executeUpdate() == 0) {
      return 0;
    }
    String detail = "{\"cap_micros\":" + op.capMicros() + ",\"label\":" + JsonText.quote(op.label()) + ",\"source\":" + JsonText.quote(op.source()) + "}";
    return insertEvent(op.at().toString(), op.sessionId(), "session_created", detail);
  }

  long changeSession(LedgerOp.ChangeSession op) throws SQLException {
    String sql;
    LedgerOp.SessionChange change = op.change();
    if (change instanceof LedgerOp.SessionChange.SetCap) {
      sql = "UPDATE sessions SET cap_micros = ? WHERE id = ?";
    } else if (change instanceof LedgerOp.SessionChange.SetLabel) {
      sql = "UPDATE sessions SET label = ? WHERE id = ?";
    } else if (change instanceof LedgerOp.SessionChange.Reset) {
      sql = "UPDATE sessions SET spent_micros = 0, reset_after_id = (SELECT COALESCE(MAX(id), 0) FROM requests) WHERE id = ?";
    } else {
      sql = "UPDATE sessions SET closed = 1 WHERE id = ?";
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (change instanceof LedgerOp.SessionChange.SetCap setCap) {
        setNullableLong(ps, i++, setCap.capMicros());
      } else if (change instanceof LedgerOp.SessionChange.SetLabel setLabel) {
        ps.setString(i++, setLabel.label());
      }
      ps.setString(i, op.sessionId());
      if (ps.executeUpdate() != 1) {
        throw new SQLException("no session row for " + op.sessionId());
      }
    }
    return insertEvent(op.at().toString(), op.sessionId(), op.eventKind(), op.eventDetail());
  }

  long putSetting(LedgerOp.PutSetting op) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
      ps.setString(1, op.key());
      ps.setString(2, op.value());
      ps.setString(3, op.at().toString());
      ps.executeUpdate();
    }
    return insertEvent(op.at().toString(), null, "budgets_changed", op.eventDetail());
  }

  /** A setting as this connection sees it (the journal's mark), or null. */
  String setting(String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
      ps.setString(1, key);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Writes a setting without an audit event (the journal's mark, in the transaction of the entries it marks). */
  void putMark(String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.setString(3, java.time.Instant.now().toString());
      ps.executeUpdate();
    }
  }

  long insertEvent(String ts, String sessionId, String kind, String detail) throws SQLException {
    if (insertEvent == null) {
      insertEvent = c.prepareStatement(INSERT_EVENT);
    }
    PreparedStatement ps = insertEvent;
    ps.setString(1, ts);
    ps.setString(2, sessionId);
    ps.setString(3, kind);
    ps.setString(4, detail);
    return returnedId(ps);
  }

  /**
   * Runs an {@code INSERT … RETURNING id} and reads the id. Not the driver's generated keys: sqlite-jdbc prepares and
   * runs a second statement ({@code SELECT last_insert_rowid()}) for them after every insert, 11% of the writer's CPU
   * (docs/benchmarks/profiles.md item 14).
   */
  private static long returnedId(PreparedStatement ps) throws SQLException {
    try (java.sql.ResultSet id = ps.executeQuery()) {
      if (!id.next()) {
        throw new SQLException("the insert returned no id");
      }
      return id.getLong(1);
    }
  }

  /** Closes the prepared statements; the connection itself belongs to the writer. */
  @Override
  public void close() {
    if (team != null) {
      team.close();
    }
    for (PreparedStatement ps : new PreparedStatement[] {insertRequest, addToSession, createSession, insertEvent}) {
      if (ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // the statements are dropped with a failed or closing connection; nothing more to do with them
        }
      }
    }
  }

  private static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }
}
