package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.Postgres;
import dev.abg.testing.RequiresPostgres;

/**
 * Team mode, two packaged instances on one PostgreSQL schema, one of them frozen (SIGSTOP) longer than the lease expiry
 * while three streams of the shared session run through it — a long GC pause, a frozen VM, a closed laptop lid. The other
 * instance reaps its leases and spends the session's budget up to the cap. When the frozen one runs again, its streams
 * must not go on spending that budget a second time: it is fenced (its streams stop at their first event, and it admits
 * nothing before its heartbeat is back). What the upstream generated into the sockets' buffers while it was frozen is
 * spent all the same (the provider bills it); nothing after. Before the fence, the resumed streams ran to their end and
 * the session spent $0.594 of its $0.50 in the run.
 */
@Timeout(240)
@RequiresPostgres
class TeamPauseIT {

  private static final String SESSION = "paused";
  private static final long CAP_MICROS = 500_000;

  @TempDir
  Path dir;
  private final String schema = Postgres.newSchema();

  @AfterEach
  void dropSchema() {
    Postgres.dropSchema(schema);
  }

  @Test
  void shouldStopTheStreamsOfAnInstanceThatWasPausedPastItsLeases() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (FakeUpstream upstream = FakeUpstream.started()) {
      String[] deltas = new String[6_000];
      Arrays.fill(deltas, "0123456789012345678901234567890123456789");   // 10 tokens each
      // a 60 s answer: 1,000 output tokens a second, $0.025 a second of opus, $1.51 in all
      upstream.config().anthropicUsage(2_000, 0, 0, 0, 60_000).deltas(deltas).eventDelayMs(10);
      Map<String, String> settings = Map.of("upstream_anthropic", upstream.baseUrl(), "db_url", Postgres.url(schema), "db_user", Postgres.USER,
          "session_budget_usd", "0.50", "daily_budget_usd", "off", "loop_max_repeats", "off");
      try (AbgProcess a = AbgProcess.start(dir.resolve("a"), settings); AbgProcess b = AbgProcess.start(dir.resolve("b"), settings)) {
        List<CompletableFuture<HttpResponse<String>>> onA = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          onA.add(http.sendAsync(request(a, true), HttpResponse.BodyHandlers.ofString()));
        }
        awaitUpstreamStreams(upstream, 3);
        Thread.sleep(800);
        a.pause();
        long leasedAtPause = single("SELECT leased_micros FROM sessions WHERE id = '" + SESSION + "'");
        long paused = System.nanoTime();

        // B reaps A's leases once A's heartbeat is older than the expiry, and spends the budget up to the cap
        while (single("SELECT COUNT(*) FROM instances WHERE id LIKE '%-" + a.pid() + "-%'") > 0) {
          assertTrue(System.nanoTime() - paused < Duration.ofSeconds(20).toNanos(), "the paused instance was never reaped");
          Thread.sleep(100);
        }
        List<CompletableFuture<HttpResponse<String>>> onB = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          onB.add(http.sendAsync(request(b, true), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(onB.toArray(CompletableFuture[]::new)).join();
        long spentByB = single("SELECT spent_micros FROM sessions WHERE id = '" + SESSION + "'");
        long pausedMillis = (System.nanoTime() - paused) / 1_000_000;

        a.resume();
        double secondsToResume = (System.nanoTime() - started) / 1e9;
        CompletableFuture.allOf(onA.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        awaitNothingInFlight();
        long spent = single("SELECT spent_micros FROM sessions WHERE id = '" + SESSION + "'");
        long rows = single("SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE session_id = '" + SESSION + "'");
        long cutRows = single("SELECT COUNT(*) FROM requests WHERE session_id = '" + SESSION + "' AND action = 'cutoff'");
        System.out.printf("[team-pause] A paused %d ms with %d µ$ leased; B spent the session to %d µ$; after A resumed: %d µ$ of a %d µ$ cap"
            + " (%d rows cut off)%n", pausedMillis, leasedAtPause, spentByB, spent, CAP_MICROS, cutRows);

        String aLog = a.log();
        String teamLines = String.join("\n", aLog.lines().filter(l -> l.contains("TEAM") || l.contains("CUTOFF") || l.contains("ERROR")).toList());
        for (CompletableFuture<HttpResponse<String>> f : onA) {
          String body = f.get().body();
          assertTrue(body.contains("lost touch with the team ledger"), "A's stream was stopped by the fence: " + tail(body) + "\nA's log:\n" + teamLines);
          assertTrue(!body.contains("message_stop"), "A's stream did not run to its end");
        }
        assertEquals(rows, spent, "the session's total is the sum of its rows");
        // what A's streams consumed until it ran again is spent: the upstream went on generating into the sockets' buffers
        // while A was frozen, and billed it. After that nothing: they stop at their first event, within a second or two of
        // the resume, where unfenced they would run their 60 s to the end (3 × $1.51)
        long byA = spent - spentByB;
        long bound = 3 * (10_000 + (long) ((secondsToResume + 2) * 25_000));
        System.out.printf("[team-pause] A's three streams: %d µ$, %.1f s after they began (at most %d µ$ for streams stopped within 2 s of the resume)%n",
            byA, secondsToResume, bound);
        assertTrue(byA <= bound, "A's streams spent " + byA + " µ$; stopped at the resume they cost at most " + bound + " µ$");
        String log = a.log();
        int fenced = log.indexOf("no heartbeat for");
        int registered = log.indexOf("Registering again");
        assertTrue(fenced >= 0, "A says it was fenced: " + log);
        assertTrue(registered < 0 || fenced < registered, "A stopped its streams before it registered again");
        assertEquals(0, single("SELECT COALESCE(SUM(leased_micros), 0) FROM sessions"), "no lease left with nothing in flight");

        // and A serves again once it is back in the team
        HttpResponse<String> again = null;
        for (int i = 0; i < 50; i++) {
          http.send(resetSession(b), HttpResponse.BodyHandlers.ofString());
          again = http.send(request(a, false), HttpResponse.BodyHandlers.ofString());
          if (again.statusCode() == 200) {
            break;
          }
          Thread.sleep(200);
        }
        assertEquals(200, again.statusCode(), again.body());
      }
    }
  }

  private static String tail(String body) {
    return body.length() > 600 ? body.substring(body.length() - 600) : body;
  }

  private static HttpRequest resetSession(AbgProcess abg) {
    return HttpRequest.newBuilder(URI.create(abg.baseUrl() + "/abg/sessions/" + SESSION + "/reset")).POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  private static HttpRequest request(AbgProcess abg, boolean stream) {
    String body = "{\"model\":\"claude-opus-4-8\",\"max_tokens\":8192,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"write a long story\"}]}";
    return HttpRequest.newBuilder(URI.create(abg.baseUrl() + "/s/" + SESSION + "/v1/messages")).timeout(Duration.ofSeconds(90))
        .header("content-type", "application/json").header("anthropic-version", "2023-06-01").header("x-api-key", "sk-ant-test")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static void awaitUpstreamStreams(FakeUpstream upstream, int count) throws InterruptedException {
    for (int i = 0; i < 200 && upstream.streams().size() < count; i++) {
      Thread.sleep(25);
    }
    assertTrue(upstream.streams().size() >= count, "the streams reached the upstream");
  }

  private void awaitNothingInFlight() throws Exception {
    for (int i = 0; i < 100 && single("SELECT COALESCE(SUM(leased_micros), 0) FROM sessions") > 0; i++) {
      Thread.sleep(100);
    }
  }

  private long single(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(Postgres.url(schema), Postgres.USER, ""); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
