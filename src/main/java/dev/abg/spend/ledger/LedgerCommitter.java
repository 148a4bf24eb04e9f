package dev.abg.spend.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.quarkus.logging.Log;

/**
 * The writer's connection and its transactions: commits a group of writes in one transaction (with the journal's mark
 * when it replays), hands the committed rows to the side output, then completes each write's future. Used by the writer's
 * thread only.
 */
final class LedgerCommitter {

  private final DataSource dataSource;
  /** Team mode: this instance's id (its leases); null on one instance. */
  private final String teamInstanceId;
  private final Consumer<List<LedgerRow>> afterCommit;
  private Connection connection;
  private LedgerSql sql;

  LedgerCommitter(DataSource dataSource, String teamInstanceId, Consumer<List<LedgerRow>> afterCommit) {
    this.dataSource = dataSource;
    this.teamInstanceId = teamInstanceId;
    this.afterCommit = afterCommit;
  }

  /** The writer's statements on its connection, opened when needed. */
  LedgerSql sql() throws SQLException {
    connect();
    return sql;
  }

  void commitAlone() throws SQLException {
    connection.commit();
  }

  private void connect() throws SQLException {
    if (connection == null || connection.isClosed()) {
      dropConnection();
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
      sql = new LedgerSql(connection, teamInstanceId);
    }
  }

  /** @param mark the journal's mark to store in the same transaction (a replay), or null */
  void commitAndPublish(List<LedgerOp> queued, String mark) throws SQLException {
    commitAndPublish(queued, mark, () -> { });
  }

  /** @param committed runs after the commit, before the futures complete */
  void commitAndPublish(List<LedgerOp> queued, String mark, Runnable committed) throws SQLException {
    List<LedgerOp> ops = teamInstanceId == null ? queued : lockOrder(queued);
    connect();
    LedgerSql.Inserted[] written = commit(connection, sql, ops, mark);
    List<LedgerRow> rows = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof LedgerOp.InsertRequest insert) {
        rows.add(insert.committedRow(written[i].id(), written[i].sessionTotalMicros()));
      }
    }
    try {
      afterCommit.accept(rows);
    } catch (RuntimeException e) {
      // committed is committed: a failure of the side output must not make the rows be written again
      Log.errorf("[abg] LEDGER the JSONL side output failed for %d row(s): %s", rows.size(), e.getMessage());
    }
    committed.run();
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).committed(written[i].id(), written[i].sessionTotalMicros());
    }
  }

  void dropConnection() {
    if (sql != null) {
      sql.close();
      sql = null;
    }
    closeQuietly(connection);
    connection = null;
  }

  /** @return for each write, the id of the row it made, and for a request row its session's total */
  private LedgerSql.Inserted[] commit(Connection c, LedgerSql sql, List<LedgerOp> batch, String mark) throws SQLException {
    LedgerSql.Inserted[] written = new LedgerSql.Inserted[batch.size()];
    try {
      int i = 0;
      while (i < batch.size()) {
        if (batch.get(i) instanceof LedgerOp.InsertRequest) {
          // a run of request rows adds to each of its sessions once
          List<LedgerOp.InsertRequest> run = new ArrayList<>();
          while (i + run.size() < batch.size() && batch.get(i + run.size()) instanceof LedgerOp.InsertRequest insert) {
            run.add(insert);
          }
          LedgerSql.Inserted[] rows = sql.insertRequests(run);
          System.arraycopy(rows, 0, written, i, rows.length);
          i += rows.length;
        } else {
          written[i] = apply(sql, batch.get(i));
          i++;
        }
      }
      if (mark != null) {
        sql.putMark(SpillJournal.MARK_KEY, mark);
      }
      sql.beforeCommit();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      sql.afterRollback();
      try {
        c.rollback();
      } catch (SQLException rollbackFailed) {
        // SQLite rolls a failed statement's transaction back itself (SQLITE_FULL): the rollback's own error must not hide it
        e.addSuppressed(rollbackFailed);
      }
      throw e;
    }
    return written;
  }

  private static LedgerSql.Inserted apply(LedgerSql sql, LedgerOp op) throws SQLException {
    if (op instanceof LedgerOp.ReturnLease lease) {
      sql.returnLease(lease.sessionId(), lease.micros());
      return LedgerSql.Inserted.NONE;
    } else if (op instanceof LedgerOp.CreateSession create) {
      return LedgerSql.Inserted.id(sql.createSession(create));
    } else if (op instanceof LedgerOp.ChangeSession change) {
      return LedgerSql.Inserted.id(sql.changeSession(change));
    } else if (op instanceof LedgerOp.PutSetting setting) {
      return LedgerSql.Inserted.id(sql.putSetting(setting));
    } else if (op instanceof LedgerOp.AuditEvent event) {
      return LedgerSql.Inserted.id(sql.insertEvent(event.at().toString(), event.sessionId(), event.kind(), event.detail()));
    }
    throw new IllegalArgumentException("unknown ledger write " + op);
  }

  /**
   * Team mode: the group's writes ordered by session (stable: a session's own writes keep their order), so that two
   * instances' groups lock the session rows they share in the same order and never deadlock each other.
   */
  private static List<LedgerOp> lockOrder(List<LedgerOp> ops) {
    List<LedgerOp> sorted = new ArrayList<>(ops);
    sorted.sort(java.util.Comparator.comparing(LedgerOp::sessionId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    return sorted;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the connection is being dropped after a failure; nothing more to do with it
      }
    }
  }

}
