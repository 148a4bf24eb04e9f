package dev.abg.spend.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writer's statements that only team mode (PostgreSQL) needs: a settled request turns part of this instance's lease
 * on its session into spend, and the days' totals follow. Every statement here runs after the session's row is locked in
 * the same transaction; the days are written once per group, last, in date order (see {@link LedgerSql}).
 */
final class TeamSql implements AutoCloseable {

  /** Takes up to ? off this instance's lease on a session; returns how much it took and the lease's day. */
  private static final String TAKE_FROM_LEASE = """
      UPDATE leases x SET micros = x.micros - LEAST(x.micros, ?)
      FROM (SELECT micros AS old FROM leases WHERE instance_id = ? AND session_id = ? FOR UPDATE) o
      WHERE x.instance_id = ? AND x.session_id = ?
      RETURNING o.old - x.micros, x.day""";

  private static final String SESSION_LEASED = "UPDATE sessions SET leased_micros = leased_micros - ? WHERE id = ?";

  /** The session's row lock, taken before its lease's when no request row took it first. */
  private static final String LOCK_SESSION = "SELECT 1 FROM sessions WHERE id = ? FOR NO KEY UPDATE";

  private static final String ADD_TO_DAY = """
      INSERT INTO days (day, spent_micros, leased_micros) VALUES (?, ?, ?)
      ON CONFLICT (day) DO UPDATE SET spent_micros = days.spent_micros + excluded.spent_micros,
        leased_micros = days.leased_micros + excluded.leased_micros""";

  private final Connection c;
  private final String instanceId;
  private PreparedStatement takeFromLease;
  private PreparedStatement sessionLeased;
  private PreparedStatement addToDay;
  private PreparedStatement lockSession;
  /** The group's changes per day: [spent, leased]. */
  private final Map<String, long[]> days = new TreeMap<>();

  TeamSql(Connection c, String instanceId) {
    this.c = c;
    this.instanceId = instanceId;
  }

  /** A request row of {@code day} cost {@code costMicros}, of which {@code leaseMicros} came off this instance's lease. */
  void settled(String sessionId, String day, long costMicros, long leaseMicros) throws SQLException {
    day(day)[0] += costMicros;
    if (leaseMicros > 0) {
      takeFromLease(sessionId, leaseMicros);
    }
  }

  /** Gives back part of a lease without a request row: the session's row is locked first, as everywhere else. */
  void returnLease(String sessionId, long micros) throws SQLException {
    if (lockSession == null) {
      lockSession = c.prepareStatement(LOCK_SESSION);
    }
    lockSession.setString(1, sessionId);
    lockSession.executeQuery().close();
    takeFromLease(sessionId, micros);
  }

  /** Under the session's row lock. */
  private void takeFromLease(String sessionId, long micros) throws SQLException {
    if (takeFromLease == null) {
      takeFromLease = c.prepareStatement(TAKE_FROM_LEASE);
      sessionLeased = c.prepareStatement(SESSION_LEASED);
    }
    takeFromLease.setLong(1, micros);
    takeFromLease.setString(2, instanceId);
    takeFromLease.setString(3, sessionId);
    takeFromLease.setString(4, instanceId);
    takeFromLease.setString(5, sessionId);
    long taken = 0;
    String leaseDay = null;
    try (ResultSet rs = takeFromLease.executeQuery()) {
      if (rs.next()) {
        taken = rs.getLong(1);
        leaseDay = rs.getString(2);
      }
    }
    // a lease that is gone (this instance was taken for dead and reaped) gives nothing back: the reaper already did
    if (taken > 0) {
      sessionLeased.setLong(1, taken);
      sessionLeased.setString(2, sessionId);
      sessionLeased.executeUpdate();
      day(leaseDay)[1] -= taken;
    }
  }

  private long[] day(String day) {
    return days.computeIfAbsent(day, d -> new long[2]);
  }

  void flushDays() throws SQLException {
    if (days.isEmpty()) {
      return;
    }
    if (addToDay == null) {
      addToDay = c.prepareStatement(ADD_TO_DAY);
    }
    for (Map.Entry<String, long[]> d : days.entrySet()) {
      addToDay.setString(1, d.getKey());
      addToDay.setLong(2, d.getValue()[0]);
      addToDay.setLong(3, d.getValue()[1]);
      addToDay.executeUpdate();
    }
    days.clear();
  }

  void clearDays() {
    days.clear();
  }

  @Override
  public void close() {
    for (PreparedStatement ps : new PreparedStatement[] {takeFromLease, sessionLeased, addToDay, lockSession}) {
      if (ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // dropped with the connection
        }
      }
    }
  }
}
