package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.FakeUpstream;

/**
 * Storage faults under load, on the packaged proxy: a full file system and a write lock held by another connection for
 * 30 s. While the ledger cannot be written, the rows of the streams in flight go to the journal and new requests get a
 * 503 naming the cause; afterwards the journal is replayed. The count that matters: after a restart, the ledger holds a
 * row for every answer an agent received complete — and no other.
 */
@Timeout(240)
class StorageFaultIT {

  @Test
  void shouldRecordEveryCompleteAnswerThroughAFullFileSystem(@TempDir Path dir) throws Exception {
    Path fs = dir.resolve("fs");
    Files.createDirectories(fs);
    String mounted = run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", fs.toString());
    Assumptions.assumeTrue(mounted == null, "skipped: cannot mount a small tmpfs here (needs root): " + mounted);
    try (FakeUpstream upstream = FakeUpstream.started()) {
      upstream.config().textEvents(4).eventDelayMs(2);
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "db_path", fs.resolve("data/abg.db").toString(),
          "ledger_file", fs.resolve("ledger.jsonl").toString(), "session_budget_usd", "1000", "daily_budget_usd", "off", "loop_max_repeats", "off");
      Path db = fs.resolve("data/abg.db");
      Load load;
      AbgProcess abg = AbgProcess.start(dir, config);
      try {
        for (int i = 0; i < 10; i++) {
          assertTrue(Load.send(abg.baseUrl(), "full").complete());
        }
        Path filler = fs.resolve("filler");
        fill(filler);
        load = Load.start(abg.baseUrl(), "full", 4);
        awaitTrue(() -> load.count(503) >= 5, Duration.ofSeconds(60), () -> "503s once the disk is full; " + load.answers.size() + " answers\n" + abg.log());
        String status = abg.get("/abg/status").body();
        assertTrue(status.contains("\"writable\":false") && status.contains("disk full at " + fs.resolve("data")), status);
        assertEquals(503, abg.get("/q/health").statusCode());
        Load.Answer refused = load.answers.stream().filter(a -> a.status() == 503).findFirst().orElseThrow();
        assertTrue(refused.body().contains("abg: the ledger cannot be written: disk full at"), refused.body());
        assertTrue(abg.log().split("the ledger cannot be written: disk full", -1).length - 1 <= 2, "logged once, not per row:\n" + abg.log());

        Files.delete(filler);
        awaitTrue(() -> abg.get("/abg/status").body().contains("\"writable\":true"), Duration.ofSeconds(30), abg::log);
        Thread.sleep(500);
        load.close();
        assertEquals(200, abg.get("/q/health").statusCode());
      } finally {
        abg.close();
      }
      List<Load.Answer> complete = load.complete();
      AbgProcess restarted = AbgProcess.start(dir, config);
      restarted.close();
      Set<String> rows = Load.rowIds(db);
      System.out.printf("[faults] full file system: %d answers, %d complete, %d refused with 503, %d rows after the restart (+10 before)%n",
          load.answers.size(), complete.size(), load.count(503), rows.size());
      for (Load.Answer a : complete) {
        assertTrue(rows.contains(a.requestId()), "a row for complete answer " + a.requestId());
      }
      assertEquals(complete.size() + 10, rows.size(), "a row for every complete answer, and no other");
      assertEquals(0, Load.sessionSpent(db, "full"), "the session's total is the sum of its rows");
      for (String line : Files.readAllLines(fs.resolve("ledger.jsonl"))) {
        CrashIT.JSON.readTree(line);          // no half line glued to the next
      }
    } finally {
      run("umount", "-l", fs.toString());
    }
  }

  @Test
  void shouldRecordEveryCompleteAnswerWhileAnotherConnectionHoldsTheWriteLockFor30s(@TempDir Path dir) throws Exception {
    try (FakeUpstream upstream = FakeUpstream.started()) {
      upstream.config().textEvents(4).eventDelayMs(2);
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "1000", "daily_budget_usd", "off",
          "loop_max_repeats", "off");
      Path db = dir.resolve("data/abg.db");
      Load load;
      long lockedMs;
      AbgProcess abg = AbgProcess.start(dir, config);
      try {
        for (int i = 0; i < 5; i++) {
          assertTrue(Load.send(abg.baseUrl(), "locked").complete());
        }
        load = Load.start(abg.baseUrl(), "locked", 3);
        Thread.sleep(500);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
          s.execute("BEGIN EXCLUSIVE");            // a backup, a VACUUM, an inspection tool
          awaitTrue(() -> load.count(503) >= 3, Duration.ofSeconds(20), abg::log);
          String status = abg.get("/abg/status").body();
          assertTrue(status.contains("is locked by another connection (SQLITE_BUSY)"), status);
          long left = TimeUnit.SECONDS.toNanos(30) - (System.nanoTime() - t0);
          Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)));
          s.execute("COMMIT");
        }
        lockedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        awaitTrue(() -> abg.get("/abg/status").body().contains("\"writable\":true"), Duration.ofSeconds(30), abg::log);
        Thread.sleep(500);
        load.close();
      } finally {
        abg.close();
      }
      List<Load.Answer> complete = load.complete();
      AbgProcess.start(dir, config).close();
      Set<String> rows = Load.rowIds(db);
      System.out.printf("[faults] write lock held %d ms: %d answers, %d complete, %d refused with 503, %d rows after the restart (+5 before)%n",
          lockedMs, load.answers.size(), complete.size(), load.count(503), rows.size());
      assertEquals(complete.size() + 5, rows.size(), "a row for every complete answer, and no other");
      for (Load.Answer a : complete) {
        assertTrue(rows.contains(a.requestId()), "a row for complete answer " + a.requestId());
      }
      assertEquals(0, Load.sessionSpent(db, "locked"));
    }
  }

  /** Writes zeros into {@code file} until the file system is full. */
  static void fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // no space left: as intended
    }
  }

  /** Runs a command; null when it succeeded, else what it said. */
  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 ? null : out.trim() + " (exit " + p.exitValue() + ")";
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      Load.sleep(50);
    }
  }
}
