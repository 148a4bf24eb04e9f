package dev.abg.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.abg.spend.Admission;
import dev.abg.spend.BudgetDecision;
import dev.abg.spend.LedgerFixture;
import dev.abg.spend.ledger.LedgerRow;
import dev.abg.spend.Outcome;
import dev.abg.spend.Provider;
import dev.abg.spend.SpendService;
import dev.abg.spend.Usage;
import dev.abg.testing.AbgProcess;
import dev.abg.testing.Postgres;
import dev.abg.spend.UsageSource;

/**
 * The ledger benchmark (run by {@code bench/ledger.sh}; not a test). Two parts:
 *
 * <ol>
 *   <li><b>Settled requests per second</b> into SQLite: N threads, each one request at a time, going through
 *       {@link SpendService#admit} and {@link SpendService#settle} and waiting for the row's commit, as the proxy does
 *       before it releases a response's end. Reported: settled/s and the admit→commit latency.</li>
 *   <li><b>Team mode</b>: the same measure through two SpendService instances sharing one PostgreSQL schema (a fresh one
 *       per measurement; connections from a pool sized as the product's), the threads split evenly across them, (a) each
 *       thread on a session of its own and (b) all threads on one shared session; beside it, from the same run, one
 *       SpendService on SQLite with the same sessions. Skipped, with a line saying so, when no PostgreSQL server answers.</li>
 *   <li><b>Reads at 1,000,000 ledger rows</b>: a ledger file filled with JDBC batches (1,000 sessions; one of them, {@code big},
 *       holds a quarter of the rows; 30 days), then the packaged proxy started on it: start-up time, and the latency of
 *       {@code GET /abg/status}, {@code GET /abg/sessions/{id}} of an ordinary session and of the big one, over keep-alive.</li>
 * </ol>
 * Knobs (system properties): {@code bench.seconds} (5 per thread count), {@code bench.threads} ("1,4,16,64"),
 * {@code bench.rows} (1000000; 0 skips the reads), {@code bench.reads} (200 per endpoint), {@code bench.team} (true; false
 * skips the team-mode part).
 */
public final class LedgerBench {

  static final String MODEL = "claude-sonnet-4-6";
  static final Usage USAGE = Usage.anthropic(12, 1834, 0, 21542, 256);

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("abg-ledger-bench");
    int seconds = Integer.getInteger("bench.seconds", 5);
    int rows = Integer.getInteger("bench.rows", 1_000_000);
    int reads = Integer.getInteger("bench.reads", 200);
    List<String> out = new ArrayList<>();
    out.add("### Settled requests per second (SpendService admit + settle, each thread waits for its row's commit; " + seconds + " s each)");
    out.add("");
    out.add("| threads | settled/s | admit→commit p50 ms | p99 ms | max ms |");
    out.add("|---|---|---|---|---|");
    for (String t : System.getProperty("bench.threads", "1,4,16,64").split(",")) {
      int threads = Integer.parseInt(t.trim());
      out.add(throughput(work.resolve("tput-" + threads), threads, seconds));
      System.out.println(out.get(out.size() - 1));
    }
    if (Boolean.parseBoolean(System.getProperty("bench.team", "true")) && Postgres.available()) {
      out.add("");
      out.addAll(team(work.resolve("team"), seconds));
    }
    if (rows > 0) {
      out.add("");
      out.addAll(reads(work.resolve("big"), rows, reads));
    }
    System.out.println();
    out.forEach(System.out::println);
  }

  // ---------------------------------------------------------------- 1. settled requests per second

  /** Settled/s and the admit→commit latency of one measurement. */
  record Measured(double perSecond, long p50, long p99, long max, long denied) {
    String cells() {
      return String.format("%.0f | %s | %s | %s", perSecond, ms(p50), ms(p99), ms(max));
    }
  }

  private static String throughput(Path dir, int threads, int seconds) throws Exception {
    Files.createDirectories(dir);
    try (LedgerFixture ledger = new LedgerFixture(dir).with("session_budget_usd", "1000000").with("daily_budget_usd", "off")
        .with("loop_max_repeats", "off")) {
      SpendService spend = ledger.start();
      Measured m = measure(List.of(spend), threads, seconds, id -> "s" + (id % 8));
      return "| " + threads + " | " + m.cells() + " |" + (m.denied() > 0 ? " (" + m.denied() + " spurious denials)" : "");
    }
  }

  /** Team mode beside one instance: [store] × [distinct sessions, one shared session] × threads. */
  private static List<String> team(Path dir, int seconds) throws Exception {
    List<String> out = new ArrayList<>();
    out.add("### Team mode: settled requests per second, two SpendService instances on one PostgreSQL schema, beside one on SQLite ("
        + seconds + " s each)");
    out.add("");
    out.add("| sessions | threads | SQLite, 1 instance: settled/s | p50 ms | p99 ms | max ms | PostgreSQL, 2 instances: settled/s | p50 ms | p99 ms | max ms "
        + "| spurious denials (SQLite / PostgreSQL) |");
    out.add("|---|---|---|---|---|---|---|---|---|---|---|");
    for (boolean shared : new boolean[] {false, true}) {
      for (String t : System.getProperty("bench.threads", "1,4,16,64").split(",")) {
        int threads = Integer.parseInt(t.trim());
        java.util.function.IntFunction<String> session = shared ? id -> "shared" : id -> "s" + id;
        String kind = shared ? "one shared" : "one per thread";
        Path sqliteDir = dir.resolve((shared ? "shared-" : "distinct-") + threads);
        Files.createDirectories(sqliteDir);
        Measured sqlite;
        try (LedgerFixture ledger = settings(new LedgerFixture(sqliteDir))) {
          sqlite = measure(List.of(ledger.start()), threads, seconds, session);
        }
        LedgerFixture a = settings(LedgerFixture.postgres(sqliteDir).pooled());
        LedgerFixture b = a.sibling();
        Measured pg;
        try {
          pg = measure(List.of(a.start(), b.start()), threads, seconds, session);
        } finally {
          b.close();
          a.dispose();
        }
        out.add("| " + kind + " | " + threads + " | " + sqlite.cells() + " | " + pg.cells() + " | " + sqlite.denied() + " / " + pg.denied() + " |");
        System.out.println(out.get(out.size() - 1));
      }
    }
    return out;
  }

  private static LedgerFixture settings(LedgerFixture f) {
    return f.with("session_budget_usd", "1000000").with("daily_budget_usd", "off").with("loop_max_repeats", "off");
  }

  /** Thread i goes through {@code services[i mod n]} on session {@code session(i)}, one request at a time. */
  private static Measured measure(List<SpendService> services, int threads, int seconds, java.util.function.IntFunction<String> session)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    long[] denials = new long[threads];
    Throwable[] failures = new Throwable[threads];
    CountDownLatch done = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      int id = i;
      SpendService spend = services.get(i % services.size());
      String sessionId = session.apply(i);
      Thread worker = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int n = 0;
        long seq = 0;
        try {
          while (!stop.get()) {
            long t0 = System.nanoTime();
            int denied = settleOne(spend, sessionId, id * 1_000_000_000L + seq++);
            if (measuring.get()) {
              denials[id] += denied;
              if (n == mine.length) {
                mine = Arrays.copyOf(mine, n * 2);
              }
              mine[n++] = System.nanoTime() - t0;
            }
          }
        } catch (Throwable e) {
          failures[id] = e;
        } finally {
          latencies[id] = Arrays.copyOf(mine, n);
          counts[id] = n;
          done.countDown();
        }
      }, "bench-" + i);
      worker.start();
    }
    Thread.sleep(1_000); // warm-up: JIT, first sessions
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1_000L);
    measuring.set(false);
    long elapsed = System.nanoTime() - start;
    stop.set(true);
    done.await();
    for (Throwable f : failures) {
      if (f != null) {
        throw new IllegalStateException("a bench thread failed: " + f, f);
      }
    }
    long total = Arrays.stream(counts).sum();
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Measured(total * 1e9 / elapsed, pct(all, 50), pct(all, 99), all[all.length - 1], Arrays.stream(denials).sum());
  }

  /**
   * One request, admitted and settled; returns how many times it was denied first. The caps are far above what a run
   * spends, so a denial is spurious: it is counted and the request tried again (at most 1,000 times), so that the
   * benchmark measures on and reports it rather than stopping. (Seen in team mode on a shared session: docs/benchmarks/2026-11-28-first-machine.md, "Team mode".)
   */
  private static int settleOne(SpendService spend, String session, long fingerprint) {
    Instant now = Instant.now();
    Admission a = new Admission(session, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", MODEL, now, 6_000, false, fingerprint);
    int denied = 0;
    BudgetDecision decision = spend.admit(a).toCompletableFuture().join();
    while (!(decision instanceof BudgetDecision.Granted)) {
      if (++denied == 1_000) {
        throw new IllegalStateException("not admitted 1,000 times in a row: " + decision);
      }
      decision = spend.admit(a).toCompletableFuture().join();
    }
    BudgetDecision.Granted granted = (BudgetDecision.Granted) decision;
    spend.settle(granted.reservation(), new Outcome(MODEL, USAGE, UsageSource.REPORTED, 200, "req_" + fingerprint, false, Instant.now()))
        .toCompletableFuture().join();
    return denied;
  }

  // ---------------------------------------------------------------- 2. reads at 1M rows

  private static List<String> reads(Path dir, int rows, int reads) throws Exception {
    Path db = dir.resolve("data").resolve("abg.db");
    Files.createDirectories(db.getParent());
    try (LedgerFixture schema = new LedgerFixture(db.getParent()).with("session_budget_usd", "1000000")) {
      schema.start(); // creates the file and its schema with the product's migration
    }
    long t0 = System.nanoTime();
    fill(db, rows);
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("filled %,d rows in %.1f s%n", rows, fillSeconds);

    long s0 = System.nanoTime();
    List<String> out = new ArrayList<>();
    try (AbgProcess abg = AbgProcess.start(dir, Map.of("session_budget_usd", "1000000", "daily_budget_usd", "off", "timezone", "UTC"))) {
      double startup = (System.nanoTime() - s0) / 1e6;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      out.add(String.format("### Reads with %,d ledger rows (1,000 sessions, `big` holds %,d of them; %.1f s to fill with JDBC batches)", rows, rows / 4,
          fillSeconds));
      out.add("");
      out.add(String.format("Start-up of the packaged proxy on this ledger (process start → first answer, `AbgProcess`): %.0f ms.", startup));
      out.add("");
      out.add("| request | p50 ms | p90 ms | p99 ms | max ms | bytes |");
      out.add("|---|---|---|---|---|---|");
      for (String path : List.of("/abg/status", "/abg/sessions/sess-0001", "/abg/sessions/big")) {
        out.add(latency(http, abg.baseUrl() + path, reads));
        System.out.println(out.get(out.size() - 1));
      }
    }
    return out;
  }

  /** 1,000 sessions with their totals; rows spread over the last 30 days, a quarter of them in session {@code big}. */
  private static void fill(Path db, int rows) throws Exception {
    int sessions = 1_000;
    String[] models = {"claude-sonnet-4-6", "claude-opus-4-8", "claude-haiku-4-5"};
    long[] spent = new long[sessions];
    long[] count = new long[sessions];
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Instant now = Instant.now();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?journal_mode=WAL&synchronous=OFF")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO requests (started_at, ended_at, day, session_id, agent_id, client, provider, endpoint, model, priced_as, input_tokens,
            output_tokens, cache_creation_5m_tokens, cache_read_tokens, cost_micros, session_total_micros, action, usage_source, price_version,
            upstream_status, request_id)
          VALUES (?, ?, ?, ?, ?, 'claude-code', 'anthropic', '/v1/messages', ?, ?, 12, 256, 1834, 21542, ?, ?, 'allow', 'reported', 'builtin',
            200, ?)""")) {
        for (int i = 0; i < rows; i++) {
          int s = i % 4 == 0 ? 0 : 1 + (i % (sessions - 1));
          long cost = 17_000 + (i % 1000);
          spent[s] += cost;
          count[s]++;
          Instant at = now.minusSeconds((long) (rows - i) * (30L * 86_400) / rows);
          ps.setString(1, at.toString());
          ps.setString(2, at.plusMillis(900).toString());
          ps.setString(3, at.atZone(ZoneOffset.UTC).toLocalDate().toString());
          ps.setString(4, sessionId(s));
          ps.setString(5, i % 3 == 0 ? "agent-" + (i % 7) : null);
          ps.setString(6, models[i % models.length]);
          ps.setString(7, models[i % models.length]);
          ps.setLong(8, cost);
          ps.setLong(9, spent[s]);
          ps.setString(10, "req_" + i);
          ps.addBatch();
          if (i % 10_000 == 9_999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sessions (id, spent_micros, requests, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")) {
        for (int s = 0; s < sessions; s++) {
          ps.setString(1, sessionId(s));
          ps.setLong(2, spent[s]);
          ps.setLong(3, count[s]);
          ps.setString(4, now.minus(Duration.ofDays(30)).toString());
          ps.setString(5, now.toString());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    System.out.printf("today is %s; %d sessions%n", today, sessions);
  }

  private static String sessionId(int s) {
    return s == 0 ? "big" : String.format("sess-%04d", s);
  }

  private static String latency(HttpClient http, String url, int n) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    int bytes = 0;
    for (int i = 0; i < Math.max(10, n / 10); i++) { // warm-up
      http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    long[] took = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      took[i] = System.nanoTime() - t0;
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
      }
      bytes = response.body().length();
    }
    Arrays.sort(took);
    String path = URI.create(url).getPath();
    return String.format("| GET %s | %s | %s | %s | %s | %,d |", path, ms(pct(took, 50)), ms(pct(took, 90)), ms(pct(took, 99)), ms(took[n - 1]), bytes);
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  private static String ms(long nanos) {
    return String.format("%.2f", nanos / 1e6);
  }
}
