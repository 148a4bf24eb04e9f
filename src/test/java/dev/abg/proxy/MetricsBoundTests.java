package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.Admission;
import dev.abg.spend.BudgetDecision;
import dev.abg.spend.Outcome;
import dev.abg.spend.Provider;
import dev.abg.spend.SpendService;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code /q/metrics} stays small whatever the ledger holds: with 20,000 sessions (each Claude Code run is a new one), only
 * the 200 costliest of those active in the last hour have series of their own, and the rest are summed in
 * {@code session="_other"}. The scrape stays under 100 KB.
 */
@QuarkusTest
@TestProfile(MetricsBoundTests.Profile.class)
class MetricsBoundTests {

  static final int SESSIONS = 20_000;
  static final int RECENT = 1_000;
  static final int LISTED = 200;
  static final Pattern SPENT = Pattern.compile("^abg_session_spent_usd\\{session=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE);

  /** The defaults of metrics_session_ttl and metrics_max_sessions (the suite's own profile raises the latter). */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("metrics_max_sessions", "200", "metrics_session_ttl", "1h", "session_budget_usd", "1000", "daily_budget_usd", "off",
          "loop_max_repeats", "off");
    }
  }

  @Inject
  SpendService spend;

  @Test
  void shouldKeepTheScrapeSmallWithTwentyThousandSessions() throws Exception {
    Instant now = Instant.now();
    Instant twoHoursAgo = now.minus(Duration.ofHours(2));
    List<CompletableFuture<?>> settled = new ArrayList<>();
    Map<String, Long> recentTokens = new HashMap<>();
    for (int i = 0; i < SESSIONS; i++) {
      String id = UUID.randomUUID().toString();
      boolean recent = i < RECENT;
      // the old sessions spend the most: active long ago, they must give way to the recent ones all the same
      long tokens = recent ? 1_000 + i : 1_000_000 + i;
      Instant at = recent ? now : twoHoursAgo;
      if (recent) {
        recentTokens.put(id, tokens);
      }
      Admission a = new Admission(id, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", "claude-sonnet-4-6", at, 10, false, i);
      BudgetDecision d = spend.admit(a).toCompletableFuture().join();
      settled.add(spend.settle(((BudgetDecision.Granted) d).reservation(),
          new Outcome("claude-sonnet-4-6", Usage.anthropic(tokens, 0, 0, 0, 10), UsageSource.REPORTED, 200, null, false, at)).toCompletableFuture());
    }
    CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)).join();
    Set<String> costliestRecent = new TreeSet<>(recentTokens.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(LISTED).map(Map.Entry::getKey).toList());

    // the series are chosen again every few seconds: wait for the choice that sees all 20,000
    String scrape = null;
    Set<String> listed = Set.of();
    for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < deadline; Thread.sleep(250)) {
      scrape = ProxyClient.send(HttpRequest.newBuilder(URI.create(ProxyClient.base() + "/q/metrics")).GET()).body();
      listed = listedSessions(scrape);
      if (listed.equals(costliestRecent) && scrape.contains("abg_sessions_folded " + (double) (SESSIONS - LISTED))) {
        break;
      }
    }
    int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
    System.out.printf("[metrics-bound] %d sessions: scrape %,d bytes, %d sessions with series of their own%n", SESSIONS, bytes, listed.size());
    assertEquals(costliestRecent, listed, "the 200 costliest of the sessions active in the last hour");
    assertTrue(scrape.contains("abg_sessions_folded " + (double) (SESSIONS - LISTED)), "the rest are folded");
    assertTrue(bytes < 100 * 1024, "the scrape is " + bytes + " bytes");
    for (String metric : List.of("abg_session_spent_usd", "abg_session_cap_usd", "abg_session_remaining_usd", "abg_session_in_flight_usd")) {
      long series = scrape.lines().filter(l -> l.startsWith(metric + "{")).count();
      assertEquals(LISTED + 1, series, metric + ": one series per listed session and one for the rest");
      assertTrue(scrape.contains(metric + "{session=\"_other\"}"), metric);
    }
    // the folded sum: every session's spend is in exactly one series
    double total = 0;
    Matcher m = SPENT.matcher(scrape);
    while (m.find()) {
      total += Double.parseDouble(m.group(2));
    }
    assertEquals(spend.sessions().stream().mapToLong(s -> s.spentMicros()).sum() / 1e6, total, 1e-3);
  }

  private static Set<String> listedSessions(String scrape) {
    Set<String> out = new TreeSet<>();
    Matcher m = SPENT.matcher(scrape);
    while (m.find()) {
      if (!m.group(1).equals("_other")) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
