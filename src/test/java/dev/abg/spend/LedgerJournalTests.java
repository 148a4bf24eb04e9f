package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.spend.ledger.LedgerHealth;
import dev.abg.spend.ledger.LedgerOp;
import dev.abg.spend.ledger.LedgerRow;
import dev.abg.spend.ledger.LedgerWriter;

/**
 * The writer never drops a settled row: when the store cannot commit (here: every commit fails as SQLite's does on a full
 * disk), the rows go to the journal, their futures complete once it has them, the health names the real cause (not the
 * rollback's error), and the rows reach the store in order once it takes writes again — or at the next start.
 */
class LedgerJournalTests {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @TempDir
  Path dir;
  private LedgerFixture fixture;
  private LedgerWriter writer;
  private final AtomicBoolean full = new AtomicBoolean();

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
    if (fixture != null) {
      fixture.dispose();
    }
  }

  @Test
  void shouldJournalRowsWhileTheStoreFailsAndReplayThemInOrderWhenItTakesWritesAgain() throws Exception {
    fixture = new LedgerFixture(dir);
    fixture.start();
    LedgerHealth health = new LedgerHealth();
    List<LedgerRow> exported = new java.util.concurrent.CopyOnWriteArrayList<>();
    writer = new LedgerWriter(failing(fixture.dataSource), null, exported::addAll, options(health));

    request("j-a", 1, 100).get(10, TimeUnit.SECONDS);
    full.set(true);
    List<CompletableFuture<LedgerRow>> during = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      during.add(request(i % 2 == 0 ? "j-a" : "j-b", 2 + i, 10));
    }
    for (CompletableFuture<LedgerRow> f : during) {
      assertEquals(0, f.get(10, TimeUnit.SECONDS).id(), "durable in the journal, no row id yet");
    }
    assertEquals("disk full at " + dir.toAbsolutePath() + " (SQLITE_FULL)", health.problem().orElseThrow(),
        "the real cause, not the rollback's 'no transaction is active'");
    assertEquals(50, health.pendingInJournal());
    assertEquals(1, fixture.queryLong("SELECT COUNT(*) FROM requests"));

    full.set(false);
    awaitTrue(() -> health.problem().isEmpty() && health.pendingInJournal() == 0, "the journal is replayed");
    assertEquals(51, fixture.queryLong("SELECT COUNT(*) FROM requests"));
    assertEquals(100 + 25 * 10, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 'j-a'"));
    assertEquals(25 * 10, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 'j-b'"));
    assertEquals(fixture.queryLong("SELECT MAX(id) FROM requests WHERE request_id = 'req_51'"), fixture.queryLong("SELECT MAX(id) FROM requests"),
        "replayed in their order");
    assertEquals(51, exported.size(), "each replayed row reaches the JSONL side output once, after its commit");
    assertEquals(0, Files.readAllBytes(dir.resolve("abg.db.pending"))[300], "the journal's used part is zeroed again");
  }

  @Test
  void shouldReplayAJournalLeftByAnEarlierRunAtStartAndOnlyOnce() throws Exception {
    fixture = new LedgerFixture(dir);
    fixture.start();
    LedgerHealth health = new LedgerHealth();
    full.set(true);
    writer = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(health));
    for (int i = 0; i < 5; i++) {
      request("j-c", i, 7).get(10, TimeUnit.SECONDS);
    }
    writer.close();   // the store still fails at exit: the rows stay in the journal

    LedgerWriter next = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(new LedgerHealth()));
    assertEquals(5, next.journaledRows().size(), "still pending: the store fails at start too");
    next.close();
    assertEquals(0, fixture.queryLong("SELECT COUNT(*) FROM requests"));

    full.set(false);
    writer = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(new LedgerHealth()));
    assertTrue(writer.journaledRows().isEmpty(), "replayed before the writer starts");
    assertEquals(5, fixture.queryLong("SELECT COUNT(*) FROM requests"));
    assertEquals(35, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 'j-c'"));
    writer.close();
    writer = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(new LedgerHealth()));
    assertEquals(5, fixture.queryLong("SELECT COUNT(*) FROM requests"), "not twice");
  }

  @Test
  void shouldSkipJournalEntriesThatTheStoresMarkSaysAreInAlready() throws Exception {
    fixture = new LedgerFixture(dir);
    fixture.start();
    full.set(true);
    writer = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(new LedgerHealth()));
    for (int i = 0; i < 3; i++) {
      request("j-d", i, 5).get(10, TimeUnit.SECONDS);
    }
    writer.close();
    // a crash right after a replay's commit, before the journal was cleared: the store's mark covers the first two
    String header = Files.readAllLines(dir.resolve("abg.db.pending")).get(0);
    String id = header.substring(header.indexOf(":\"") + 2, header.lastIndexOf('"'));
    try (Connection c = fixture.dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO settings (key, value, updated_at) VALUES ('ledger_journal_replayed', '" + id + " 2', 'x')");
    }
    full.set(false);
    writer = new LedgerWriter(failing(fixture.dataSource), null, rows -> { }, options(new LedgerHealth()));
    assertEquals(1, fixture.queryLong("SELECT COUNT(*) FROM requests"), "only the third was still to write");
    assertEquals("req_2", fixture.queryString("SELECT request_id FROM requests"));
  }

  private LedgerWriter.Options options(LedgerHealth health) {
    return new LedgerWriter.Options(dir.resolve("abg.db.pending"), health, dir.resolve("abg.db").toString(), false, () -> null);
  }

  private CompletableFuture<LedgerRow> request(String session, int second, long costMicros) {
    Instant started = T0.plusSeconds(second);
    LedgerRow row = new LedgerRow(0, started, started.plusMillis(500), LocalDate.of(2026, 11, 29), session, null, "claude-code", Provider.ANTHROPIC,
        "/v1/messages", "claude-sonnet-4-6", "claude-sonnet-4-6", false, Usage.anthropic(10, 0, 0, 0, 5), costMicros, 0, LedgerRow.Action.ALLOW,
        UsageSource.REPORTED, "test", 200, "req_" + second);
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    writer.submit(new LedgerOp.InsertRequest(row, done));
    return done;
  }

  /**
   * The store, except that while {@link #full} is set every statement that writes fails as SQLite's does on a full disk,
   * and the rollback after it fails as SQLite's does then ("no transaction is active").
   */
  private DataSource failing(DataSource real) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, args) -> {
      Object result = invoke(real, m, args);
      if (result instanceof Connection c) {
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (cp, cm, cargs) -> {
          if (full.get() && cm.getName().equals("commit")) {
            throw new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)");
          }
          if (full.get() && cm.getName().equals("rollback")) {
            invoke(c, cm, cargs);
            throw new SQLException("[SQLITE_ERROR] SQL error or missing database (cannot rollback - no transaction is active)");
          }
          return invoke(c, cm, cargs);
        });
      }
      return result;
    });
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
