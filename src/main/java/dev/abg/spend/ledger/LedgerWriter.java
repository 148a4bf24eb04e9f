package dev.abg.spend.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.quarkus.logging.Log;

/**
 * The one writer of the ledger. Writes are queued in the order the in-memory books changed and committed by a single
 * thread in groups: everything queued while one commit runs goes into the next transaction. After the commit,
 * {@code afterCommit} receives the committed request rows (the JSONL ledger), then each write's future completes.
 *
 * <p>Durability rule: SQLite in WAL mode with {@code synchronous=NORMAL}: a committed transaction survives a crash of the
 * process (SIGKILL included); a power loss may lose the last transactions before the WAL is checkpointed. The proxy
 * releases the end of a response only after its row has committed. On PostgreSQL (team mode) a commit is durable as the
 * server's settings make it (by default {@code synchronous_commit=on}: flushed to its WAL).
 */
public final class LedgerWriter implements AutoCloseable {

  private static final int MAX_BATCH = 1024;
  private static final long[] RETRY_BACKOFF_MILLIS = {50, 250, 1_000};

  private final DataSource dataSource;
  private final Consumer<List<LedgerRow>> afterCommit;
  private final BlockingQueue<LedgerOp> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  /** The writer thread's own connection and its prepared statements; touched by that thread only. */
  private Connection connection;
  private LedgerSql sql;

  /** Team mode: this instance's id (its leases); null on one instance. */
  private final String teamInstanceId;

  public LedgerWriter(DataSource dataSource, String teamInstanceId, Consumer<List<LedgerRow>> afterCommit) {
    this.dataSource = dataSource;
    this.teamInstanceId = teamInstanceId;
    this.afterCommit = afterCommit;
    this.thread = new Thread(this::run, "abg-ledger-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a write; never blocks. */
  public void submit(LedgerOp op) {
    if (!running) {
      op.failed(new IllegalStateException("the ledger is closed"));
      return;
    }
    queue.add(op);
  }

  private void run() {
    List<LedgerOp> batch = new ArrayList<>(MAX_BATCH);
    while (running || !queue.isEmpty()) {
      try {
        LedgerOp first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeGroup(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    dropConnection();
    LedgerOp left;
    while ((left = queue.poll()) != null) {
      left.failed(new IllegalStateException("the ledger is closed"));
    }
  }

  /**
   * Commits a group; if that fails (a locked database, a full disk), writes its entries one by one, each retried with a
   * back-off, so that one bad entry does not take the others down with it. Never throws: the thread must live.
   */
  private void writeGroup(List<LedgerOp> batch) throws InterruptedException {
    try {
      commitAndPublish(batch);
      return;
    } catch (Throwable e) {
      Log.warnf("[abg] LEDGER a group of %d entries failed (%s); writing them one by one", batch.size(), e.getMessage());
      dropConnection();
    }
    for (LedgerOp op : batch) {
      Throwable failure = null;
      for (long backoffMillis : RETRY_BACKOFF_MILLIS) {
        try {
          commitAndPublish(List.of(op));
          failure = null;
          break;
        } catch (Throwable e) {
          failure = e;
          dropConnection();
          Thread.sleep(backoffMillis);
        }
      }
      if (failure != null) {
        Log.errorf("[abg] LEDGER an entry could not be written after %d attempts: %s", RETRY_BACKOFF_MILLIS.length, failure.getMessage());
        op.failed(failure);
      }
    }
  }

  private void commitAndPublish(List<LedgerOp> queued) throws SQLException {
    List<LedgerOp> ops = teamInstanceId == null ? queued : lockOrder(queued);
    if (connection == null || connection.isClosed()) {
      dropConnection();
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
      sql = new LedgerSql(connection, teamInstanceId);
    }
    LedgerSql.Inserted[] written = commit(connection, sql, ops);
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
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).committed(written[i].id(), written[i].sessionTotalMicros());
    }
  }

  private void dropConnection() {
    if (sql != null) {
      sql.close();
      sql = null;
    }
    closeQuietly(connection);
    connection = null;
  }

  /** @return for each write, the id of the row it made, and for a request row its session's total */
  private LedgerSql.Inserted[] commit(Connection c, LedgerSql sql, List<LedgerOp> batch) throws SQLException {
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
      sql.beforeCommit();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      sql.afterRollback();
      c.rollback();
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

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  static int flag(boolean b) {
    return b ? 1 : 0;
  }
}
