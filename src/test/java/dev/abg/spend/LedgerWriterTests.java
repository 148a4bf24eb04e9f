package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.abg.spend.ledger.LedgerWriter;
import dev.abg.spend.ledger.LedgerOp;
import dev.abg.spend.ledger.LedgerRow;

/**
 * The writer's group commit on a real ledger: a group's request rows add to each of their sessions once, and every row
 * still gets its own id and its session's total as it stood after that row. The group is made for certain: the writer is
 * held after its first commit while the next writes queue up behind it.
 */
class LedgerWriterTests {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @TempDir
  Path dir;
  LedgerFixture fixture;
  private LedgerWriter writer;

  /** The store the test runs on: SQLite here, PostgreSQL in {@link LedgerWriterPostgresTests}. */
  LedgerFixture newFixture(Path dir) {
    return new LedgerFixture(dir);
  }

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
  void shouldAddAGroupsRowsToEachSessionOnceAndGiveEveryRowItsRunningTotal() throws Exception {
    fixture = newFixture(dir);
    fixture.start();
    CountDownLatch firstCommitted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> groupSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    writer = new LedgerWriter(fixture.dataSource, null, rows -> {
      groupSizes.add(rows.size());
      firstCommitted.countDown();
      await(release);
    });

    CompletableFuture<LedgerRow> a1 = request("grp-a", 1, 100);
    assertTrue(firstCommitted.await(10, TimeUnit.SECONDS), "the first group committed");
    // queued while the writer is held: one group, two runs of request rows around a new session
    List<CompletableFuture<LedgerRow>> group = new ArrayList<>();
    group.add(request("grp-b", 2, 10));
    group.add(request("grp-a", 3, 20));
    group.add(request("grp-b", 4, 30));
    CompletableFuture<Long> created = new CompletableFuture<>();
    writer.submit(new LedgerOp.CreateSession("grp-c", "made between the runs", 5_000_000L, T0.plusSeconds(5), created));
    group.add(request("grp-a", 6, 40));
    group.add(request("grp-c", 7, 5));
    release.countDown();

    assertEquals(100, a1.get(10, TimeUnit.SECONDS).sessionTotalMicros());
    long[] totals = new long[group.size()];
    long[] ids = new long[group.size()];
    for (int i = 0; i < group.size(); i++) {
      LedgerRow row = group.get(i).get(10, TimeUnit.SECONDS);
      totals[i] = row.sessionTotalMicros();
      ids[i] = row.id();
    }
    created.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1, 5), groupSizes, "one request row, then the five queued behind it in one group");
    // b: 10, 40; a: 100 + 20 = 120, 160; c: 5
    assertEquals(List.of(10L, 120L, 40L, 160L, 5L), java.util.Arrays.stream(totals).boxed().toList());
    for (int i = 1; i < ids.length; i++) {
      assertTrue(ids[i] > ids[i - 1], "rows written in their order: " + java.util.Arrays.toString(ids));
    }
    assertEquals(a1.get().id(), fixture.queryLong("SELECT MIN(id) FROM requests WHERE session_id LIKE 'grp-%'"));
    for (int i = 0; i < ids.length; i++) {
      assertEquals(totals[i], fixture.queryLong("SELECT session_total_micros FROM requests WHERE id = " + ids[i]), "row " + ids[i]);
    }
    assertSession("grp-a", 160, 3, 1, 6);
    assertSession("grp-b", 40, 2, 2, 4);
    assertSession("grp-c", 5, 1, 5, 7);
    assertEquals(5_000_000L, fixture.queryLong("SELECT cap_micros FROM sessions WHERE id = 'grp-c'"), "the session made between the runs");
  }

  private void assertSession(String id, long spent, long requests, int firstSecond, int lastSecond) throws Exception {
    assertEquals(spent, fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = '" + id + "'"), id + " spent");
    assertEquals(requests, fixture.queryLong("SELECT requests FROM sessions WHERE id = '" + id + "'"), id + " requests");
    assertEquals(T0.plusSeconds(firstSecond).toString(), fixture.queryString("SELECT first_seen FROM sessions WHERE id = '" + id + "'"), id + " first seen");
    assertEquals(T0.plusSeconds(lastSecond).plusMillis(500).toString(), fixture.queryString("SELECT last_seen FROM sessions WHERE id = '" + id + "'"),
        id + " last seen: the end of its last request");
  }

  /** A settled request of {@code costMicros} that started {@code second} s after T0 and took half a second. */
  private CompletableFuture<LedgerRow> request(String session, int second, long costMicros) {
    Instant started = T0.plusSeconds(second);
    LedgerRow row = new LedgerRow(0, started, started.plusMillis(500), LocalDate.of(2026, 11, 29), session, null, "claude-code", Provider.ANTHROPIC,
        "/v1/messages", "claude-sonnet-4-6", "claude-sonnet-4-6", false, Usage.NONE, costMicros, 0, LedgerRow.Action.ALLOW,
        UsageSource.REPORTED, "test", 200, "req_" + second);
    CompletableFuture<LedgerRow> done = new CompletableFuture<>();
    writer.submit(new LedgerOp.InsertRequest(row, done));
    return done;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
