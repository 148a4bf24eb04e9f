package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AbgScript;
import dev.abg.testing.FakeUpstream;

/**
 * Restarts and the ledger's identity, on the packaged proxy: SIGTERM with streams in flight (they finish within
 * {@code shutdown_drain_s}, or end with the provider's error event after it; new requests get a 503; every row is written
 * before exit), and a database file deleted under the running proxy (detected, reported, new requests refused; at the
 * restart the JSONL ledger's rows are found missing and {@code abg ledger import} puts them back, once).
 */
@Timeout(240)
class RestartFaultIT {

  @Test
  void shouldDrainStreamsOnSigtermThenEndTheRestWithAnErrorEventAndRecordThemAll(@TempDir Path dir) throws Exception {
    try (FakeUpstream upstream = FakeUpstream.started()) {
      Path db = dir.resolve("data/abg.db");
      // streams of ~2 s, a drain of 10 s: they finish
      upstream.config().textEvents(20).eventDelayMs(100);
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "1000", "daily_budget_usd", "off",
          "loop_max_repeats", "off", "shutdown_drain_s", "10");
      AbgProcess abg = AbgProcess.start(dir, config);
      List<CompletableFuture<Load.Answer>> streams = startStreams(abg.baseUrl(), 4);
      Thread.sleep(700);
      ProcessHandle.of(abg.pid()).orElseThrow().destroy();            // SIGTERM, streams in flight
      Thread.sleep(200);
      Load.Answer refused = Load.send(abg.baseUrl(), "drain-late");
      assertTrue(refused.status() == 503 || refused.status() == -1,
          "a new request while draining: " + refused);
      for (CompletableFuture<Load.Answer> s : streams) {
        assertTrue(s.get(30, TimeUnit.SECONDS).complete(), "finished within the drain: " + s.get().body());
      }
      awaitExit(abg);
      Set<String> rows = Load.rowIds(db);
      assertEquals(4, rows.size(), "every stream's row written before exit");

      // streams of ~20 s, a drain of 1 s: cut with the error event
      upstream.config().textEvents(100).eventDelayMs(200);
      Map<String, String> shortDrain = new java.util.HashMap<>(config);
      shortDrain.put("shutdown_drain_s", "1");
      AbgProcess again = AbgProcess.start(dir, shortDrain);
      streams = startStreams(again.baseUrl(), 3);
      Thread.sleep(800);
      long t0 = System.nanoTime();
      ProcessHandle.of(again.pid()).orElseThrow().destroy();
      for (CompletableFuture<Load.Answer> s : streams) {
        Load.Answer a = s.get(30, TimeUnit.SECONDS);
        assertEquals(200, a.status());
        assertTrue(a.body().contains("event: error") && a.body().contains("abg is shutting down"), a.body());
      }
      long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      awaitExit(again);
      assertTrue(endedMs < 8_000, "ended soon after the drain: " + endedMs + " ms");
      assertEquals(4 + 3, Load.rowIds(db).size(), "the cut streams are recorded too");
      System.out.printf("[restart] SIGTERM: 4 streams drained and complete, 3 cut after a 1 s drain in %d ms with the error event; 7 rows%n", endedMs);
    }
  }

  @Test
  void shouldReportADeletedDatabaseAndRebuildItFromTheJsonlLedger(@TempDir Path dir) throws Exception {
    try (FakeUpstream upstream = FakeUpstream.started()) {
      upstream.config().textEvents(3);
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "ledger_file", "ledger.jsonl", "session_budget_usd", "1000",
          "daily_budget_usd", "off", "loop_max_repeats", "off");
      Path db = dir.resolve("data/abg.db");
      List<Load.Answer> complete = new ArrayList<>();
      AbgProcess abg = AbgProcess.start(dir, config);
      Load load;
      try {
        for (int i = 0; i < 20; i++) {
          Load.Answer a = Load.send(abg.baseUrl(), "deleted");
          assertTrue(a.complete());
          complete.add(a);
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
          Files.deleteIfExists(Path.of(db + suffix));
        }
        load = Load.start(abg.baseUrl(), "deleted", 2);
        StorageFaultIT.awaitTrue(() -> load.count(503) >= 3, Duration.ofSeconds(20), abg::log);
        load.close();
        String status = abg.get("/abg/status").body();
        assertTrue(status.contains("was deleted while abg ran"), status);
        assertTrue(abg.log().contains("was deleted while abg ran"), abg.log());
      } finally {
        abg.close();
      }
      complete.addAll(load.complete());
      AbgProcess restarted = AbgProcess.start(dir, config);
      restarted.close();
      assertTrue(restarted.log().contains("has rows that the database") && restarted.log().contains("abg ledger import"), restarted.log());

      AbgScript abgCli = new AbgScript(dir, Map.of());
      AbgScript.Result imported = abgCli.run("ledger", "import", "ledger.jsonl", "--db", db.toString());
      assertEquals(0, imported.exitCode(), imported.toString());
      AbgScript.Result again = abgCli.run("ledger", "import", "ledger.jsonl", "--db", db.toString());
      assertTrue(again.stdout().contains("imported 0 row(s)"), "idempotent by ledger id: " + again);
      Set<String> rows = Load.rowIds(db);
      System.out.printf("[restart] deleted database: %d complete answers, %d rows after the restart and the import (%s)%n", complete.size(),
          rows.size(), imported.stdout().lines().findFirst().orElse(""));
      for (Load.Answer a : complete) {
        assertTrue(rows.contains(a.requestId()), "a row for " + a.requestId());
      }
      assertEquals(complete.size(), rows.size());
      assertEquals(0, Load.sessionSpent(db, "deleted"), "the session's total is the sum of its rows");
    }
  }

  private static List<CompletableFuture<Load.Answer>> startStreams(String base, int n) {
    List<CompletableFuture<Load.Answer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String session = "drain-" + i;
      out.add(CompletableFuture.supplyAsync(() -> Load.send(base, session)));
    }
    return out;
  }

  private static void awaitExit(AbgProcess abg) {
    ProcessHandle.of(abg.pid()).ifPresent(p -> p.onExit().orTimeout(40, TimeUnit.SECONDS).join());
  }
}
