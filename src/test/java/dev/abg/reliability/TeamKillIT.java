package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.Ledger;
import dev.abg.testing.PackagedProxy;
import dev.abg.testing.Postgres;
import dev.abg.testing.RequiresPostgres;

/**
 * Team mode, two packaged instances on one PostgreSQL schema. One is killed with SIGKILL while three streams of the shared
 * session run through it: the other keeps serving the session at once, and the dead instance's leases stop counting
 * against the session within the stated time: the expiry (5 s after its last heartbeat) plus one heartbeat period of
 * the survivor (1 s), tested here with 1.5 s of slack for a loaded machine.
 */
@Timeout(180)
@RequiresPostgres
@PackagedProxy(start = false, config = {"session_budget_usd: 5", "daily_budget_usd: off", "loop_max_repeats: off"})
class TeamKillIT {

  private static final String SESSION = "fleet";
  private static final long STATED_MILLIS = 5_000 + 1_000;

  private final String schema = Postgres.newSchema();
  private final Ledger ledger = Ledger.jdbc(Postgres.url(schema), Postgres.USER);

  @AfterEach
  void dropSchema(PackagedProxy.Launcher launcher) {
    launcher.close();                  // the instances first, then their schema
    Postgres.dropSchema(schema);
  }

  @Test
  void shouldKeepServingTheSessionAndStopCountingTheDeadInstancesLeases(PackagedProxy.Launcher launcher, FakeUpstream upstream) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String[] deltas = new String[600];
    Arrays.fill(deltas, "0123456789012345678901234567890123456789");   // 10 tokens each
    upstream.config().anthropicUsage(2_000, 0, 0, 0, 6_000).deltas(deltas).eventDelayMs(10);   // a 6 s answer
    Map<String, String> team = Map.of("db_url", Postgres.url(schema), "db_user", Postgres.USER);
    AbgProcess a = launcher.start("a", team);
    AbgProcess b = launcher.start("b", team);
    List<CompletableFuture<HttpResponse<String>>> onA = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      onA.add(http.sendAsync(streaming(a), HttpResponse.BodyHandlers.ofString()));
    }
    awaitUpstreamStreams(upstream, 3);
    Thread.sleep(1_000);   // the streams are well under way; A has extended its lease for them
    long leasedBefore = ledger.number("SELECT leased_micros FROM sessions WHERE id = '" + SESSION + "'");
    assertTrue(leasedBefore > 3 * 10_000, "A holds leases for its three streams: " + leasedBefore + " µ$");

    a.kill();
    long killed = System.nanoTime();

    // B serves the session at once (the dead instance's leases still count, but leave room)
    upstream.config().deltas(new String[] {"hi"}).eventDelayMs(0);
    HttpResponse<String> served = http.send(json(b), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, served.statusCode(), served.body());
    long servedMillis = (System.nanoTime() - killed) / 1_000_000;

    // the dead instance's leases stop counting within the stated time
    long reapedMillis = -1;
    while ((System.nanoTime() - killed) / 1_000_000 < 20_000) {
      if (ledger.number("SELECT COUNT(*) FROM instances WHERE id LIKE '%-" + a.pid() + "-%'") == 0) {
        reapedMillis = (System.nanoTime() - killed) / 1_000_000;
        break;
      }
      Thread.sleep(50);
    }
    System.out.printf("[team-kill] leased before the kill: %d µ$; B served the session %d ms after the kill; A's leases returned %d ms after it%n",
        leasedBefore, servedMillis, reapedMillis);
    assertTrue(reapedMillis >= 0, "the dead instance was never reaped");
    assertTrue(reapedMillis <= STATED_MILLIS + 1_500, "reaped " + reapedMillis + " ms after the kill");
    assertEquals(0, ledger.number("SELECT leased_micros FROM sessions WHERE id = '" + SESSION + "'"), "no lease left with nothing in flight");
    assertEquals(0, ledger.number("SELECT COALESCE(SUM(leased_micros), 0) FROM days"));
    assertEquals(ledger.number("SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE session_id = '" + SESSION + "'"),
        ledger.number("SELECT spent_micros FROM sessions WHERE id = '" + SESSION + "'"), "the session's total is the sum of its rows");

    // and B goes on: its next request passes and is recorded
    HttpResponse<String> next = http.send(json(b), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, next.statusCode(), next.body());
    assertEquals(2, ledger.number("SELECT COUNT(*) FROM requests WHERE session_id = '" + SESSION + "'"),
        "B's two requests (A's killed streams died with it, unrecorded, as on one instance)");
  }

  private static HttpRequest streaming(AbgProcess abg) {
    return request(abg, true);
  }

  private static HttpRequest json(AbgProcess abg) {
    return request(abg, false);
  }

  private static HttpRequest request(AbgProcess abg, boolean stream) {
    return AgentRequest.anthropic("claude-opus-4-8").maxTokens(8192).stream(stream).prompt("write a long story").sessionInPath(SESSION)
        .http(abg.baseUrl()).timeout(Duration.ofSeconds(60)).build();
  }

  private static void awaitUpstreamStreams(FakeUpstream upstream, int count) throws InterruptedException {
    for (int i = 0; i < 200 && upstream.streams().size() < count; i++) {
      Thread.sleep(25);
    }
    assertTrue(upstream.streams().size() >= count, "the streams reached the upstream");
  }
}
