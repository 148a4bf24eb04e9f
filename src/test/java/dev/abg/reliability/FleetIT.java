package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.FakeUpstream;

/**
 * A fleet's ledger: {@code abg.fleet.sessions} sessions (100,000 here; bench/fleet.sh runs 1,000,000), each with a row,
 * seen over the last 100 days, 1,000 of them today; then a restart of the packaged proxy with the JVM flags it ships
 * with (a 128 MB heap). Measured: the start-up time, the live heap after a full GC, and {@code /abg/status} (which lists
 * today's sessions) over 200 reads. Memory follows activity: an old session is read from the ledger when it comes back,
 * with its spend.
 */
@Timeout(600)
class FleetIT {

  @Test
  void shouldStartWithinSecondsAndSmallWithAFleetOfSessionsInTheLedger(@TempDir Path dir) throws Exception {
    int sessions = Integer.getInteger("abg.fleet.sessions", 100_000);
    int today = 1_000;
    try (FakeUpstream upstream = FakeUpstream.started()) {
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "5", "daily_budget_usd", "off",
          "loop_max_repeats", "off", "timezone", "UTC");
      AbgProcess.start(dir, config).close();             // creates and migrates the ledger
      Path db = dir.resolve("data/abg.db");
      long fill0 = System.nanoTime();
      fill(db, sessions, today);
      long fillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fill0);

      long t0 = System.nanoTime();
      AbgProcess abg = AbgProcess.startWithShippedJvmArgs(dir, config);
      long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      try {
        long heapKb = liveHeapKb(abg);
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
          long s0 = System.nanoTime();
          assertEquals(200, abg.get("/abg/status").statusCode());
          if (i >= 20) {
            micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s0));
          }
        }
        Collections.sort(micros);
        double p50 = micros.get(micros.size() / 2) / 1000.0;
        double p99 = micros.get((int) (micros.size() * 0.99)) / 1000.0;
        String status = abg.get("/abg/status").body();
        assertEquals(today, Pattern.compile("\"fleet-\\d+\":\\{").matcher(status).results().count(), "today's sessions, from the ledger");

        // an old session comes back: read from the ledger, with its spend
        String old = "fleet-" + (sessions - 1);
        String view = abg.get("/abg/sessions/" + old).body();
        assertTrue(view.contains("\"spent_usd\":0.01"), view);
        assertTrue(Load.send(abg.baseUrl(), old).complete());
        String page = abg.get("/abg/sessions?sort=spend&limit=5").body();
        assertTrue(page.contains("next_cursor") && page.contains(old), "the list reads the ledger: " + page);

        System.out.printf("[fleet] %,d sessions (%,d today; filled in %d ms): start %d ms (process start to first answer), live heap after "
            + "a full GC %,d KB, /abg/status p50 %.2f ms p99 %.2f ms over 200 reads%n", sessions, today, fillMs, startMs, heapKb, p50, p99);
        assertTrue(heapKb < 40 * 1024, "heap after a full GC under 40 MB: " + heapKb + " KB");
        assertTrue(startMs < 30_000, "start: " + startMs + " ms");
      } finally {
        abg.close();
      }
    }
  }

  /** Sessions with one $0.01 row each, seen one every few minutes back over 100 days; the first {@code today} today. */
  static void fill(Path db, int sessions, int today) throws Exception {
    Instant now = Instant.now();
    Instant dayStart = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    long todaySpan = Math.max(1, Duration.between(dayStart, now).getSeconds() - 1);
    long olderStep = Duration.ofDays(100).getSeconds() / Math.max(1, sessions - today);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO sessions (id, first_seen, last_seen, spent_micros, requests) VALUES (?, ?, ?, 10000, 1)");
           PreparedStatement r = c.prepareStatement("INSERT INTO requests (started_at, ended_at, day, session_id, client, provider, endpoint, model, "
               + "cost_micros, session_total_micros, action, usage_source, price_version) VALUES (?, ?, ?, ?, 'claude-code', 'anthropic', "
               + "'/v1/messages', 'claude-sonnet-4-6', 10000, 10000, 'allow', 'reported', 'builtin')")) {
        for (int i = 0; i < sessions; i++) {
          Instant seen = i < today ? dayStart.plusSeconds(todaySpan * i / today) : dayStart.minusSeconds(olderStep * (i - today + 1));
          String id = "fleet-" + i;
          s.setString(1, id);
          s.setString(2, seen.toString());
          s.setString(3, seen.toString());
          s.addBatch();
          r.setString(1, seen.toString());
          r.setString(2, seen.toString());
          r.setString(3, seen.atZone(ZoneOffset.UTC).toLocalDate().toString());
          r.setString(4, id);
          r.addBatch();
          if (i % 10_000 == 9_999) {
            s.executeBatch();
            r.executeBatch();
          }
        }
        s.executeBatch();
        r.executeBatch();
      }
      c.commit();
    }
  }

  static long liveHeapKb(AbgProcess abg) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    exec(jcmd, Long.toString(abg.pid()), "GC.run");
    String heap = exec(jcmd, Long.toString(abg.pid()), "GC.heap_info");
    long used = 0;
    Matcher m = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(heap);
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    assertTrue(used > 0, heap);
    return used;
  }

  private static String exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }
}
