package dev.abg.bench;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.Ledger;
import dev.abg.testing.Postgres;
import dev.abg.testing.StreamRecord;

/**
 * The overshoot benchmark of the hard cap (run by {@code bench/overshoot.sh}; not a test). One session with a $0.50
 * cap, eight concurrent streaming clients that keep sending until they are blocked, against a fake upstream that
 * streams long, expensive answers with small delays and counts what it really sent before each connection closed.
 * For {@code hard} and {@code soft} enforcement on one instance (SQLite), and for {@code hard} in team mode (two abg
 * processes sharing one fresh PostgreSQL schema, the clients split evenly across them, same session), in the same run,
 * it prints the recorded spend minus the cap and the cost of what the upstream really sent minus the cap. The team row is
 * skipped, with a line saying so, when no PostgreSQL server answers ({@link Postgres}).
 */
public final class OvershootBench {

  static final long CAP_MICROS = 500_000;             // $0.50
  static final int CLIENTS = 8;
  static final long INPUT_TOKENS = 2_000;             // claude-opus-4-8: 2,000 × $5 = $0.01 per request
  static final int EVENTS = 400;                      // 400 × 10 tokens × $25 = $0.10 per complete answer
  static final long EVENT_DELAY_MS = 5;
  static final long INPUT_PICO = 5_000_000;           // $5 / MTok
  static final long OUTPUT_PICO = 25_000_000;         // $25 / MTok

  record Result(String mode, int requests, int blocked, long cutoffs, long recordedMicros, long upstreamMicros) {
  }

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("abg-overshoot");
    List<Result> results = new ArrayList<>();
    try (FakeUpstream upstream = FakeUpstream.started()) {
      String[] deltas = new String[EVENTS];
      Arrays.fill(deltas, "0123456789012345678901234567890123456789"); // 40 characters = 10 tokens
      for (String mode : List.of("hard", "soft")) {
        reset(upstream, deltas);
        try (AbgProcess abg = AbgProcess.start(work.resolve(mode), settings(upstream, mode))) {
          results.add(run(mode + ", 1 instance, SQLite", List.of(abg), upstream, abg.ledger()));
        }
      }
      if (Postgres.available()) {
        results.add(team(work.resolve("team"), upstream, deltas, 2));
        if (Boolean.getBoolean("overshoot.teamOfOne")) {
          // diagnosis: the same leases with all clients on one instance (one cut-off edge instead of two)
          results.add(team(work.resolve("team-of-one"), upstream, deltas, 1));
        }
      }
    }
    System.out.println();
    System.out.println("Overshoot of a $0.50 session cap, " + CLIENTS + " concurrent streaming clients (claude-opus-4-8, " + EVENTS
        + " events of 10 tokens, " + EVENT_DELAY_MS + " ms apart; one event = $0.00025)");
    System.out.println();
    System.out.println("| enforcement | requests | blocked | cut off | recorded spend − cap | upstream really sent − cap |");
    System.out.println("|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf("| %s | %d | %d | %d | %s | %s |%n", r.mode(), r.requests(), r.blocked(), r.cutoffs(), usd(r.recordedMicros() - CAP_MICROS),
          usd(r.upstreamMicros() - CAP_MICROS));
    }
  }

  private static void reset(FakeUpstream upstream, String[] deltas) {
    upstream.reset();
    upstream.config().anthropicUsage(INPUT_TOKENS, 0, 0, 0, EVENTS * 10L).deltas(deltas).eventDelayMs(EVENT_DELAY_MS).countTokens(INPUT_TOKENS);
  }

  private static Map<String, String> settings(FakeUpstream upstream, String mode) {
    return Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "0.50", "daily_budget_usd", "off", "enforcement", mode,
        "loop_max_repeats", "off");
  }

  /** Hard cap in team mode: {@code n} instances on one fresh PostgreSQL schema, the clients split evenly, one session. */
  private static Result team(Path work, FakeUpstream upstream, String[] deltas, int n) throws Exception {
    reset(upstream, deltas);
    String schema = Postgres.newSchema();
    String url = Postgres.url(schema);
    Map<String, String> settings = new java.util.HashMap<>(settings(upstream, "hard"));
    settings.put("db_url", "\"" + url + "\"");
    settings.put("db_user", Postgres.USER);
    List<AbgProcess> instances = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        instances.add(AbgProcess.start(work.resolve("instance-" + (char) ('a' + i)), settings));
      }
      Ledger ledger = Ledger.jdbc(url, Postgres.USER);
      Result r = run("hard, team: " + n + (n == 1 ? " instance" : " instances") + ", PostgreSQL", instances, upstream, ledger);
      System.out.printf("team of %d: session spent_micros=%d leased_micros=%d at the end%n", n,
          ledger.number("SELECT spent_micros FROM sessions WHERE id = 'overshoot'"), ledger.number("SELECT leased_micros FROM sessions WHERE id = 'overshoot'"));
      for (AbgProcess abg : instances) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\] (CUTOFF|ALLOW|WARN) session=overshoot .* cost=\\$([0-9.]+)").matcher(abg.log());
        BigDecimal sum = BigDecimal.ZERO;
        int rows = 0;
        while (m.find()) {
          sum = sum.add(new BigDecimal(m.group(2)));
          rows++;
        }
        System.out.printf("team of %d: %s settled %d requests for $%s (its log)%n", n, abg.dir().getFileName(), rows, sum.toPlainString());
      }
      return r;
    } finally {
      instances.forEach(AbgProcess::close);
      Postgres.dropSchema(schema);
    }
  }

  /** The clients go round-robin to the instances: client i to instance i mod n. */
  private static Result run(String mode, List<AbgProcess> instances, FakeUpstream upstream, Ledger ledger) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // a prompt of about INPUT_TOKENS tokens (4 bytes each), as the fake upstream reports: the proxy sizes a request's input
    // from its body, so a 2,000-token input in a 60-byte body would be under-reserved in a way no real agent's is
    String prompt = "write a long story about " + "the sea and the sky ".repeat((int) (INPUT_TOKENS * 4 / 20));
    AgentRequest streamed = AgentRequest.anthropic("claude-opus-4-8").maxTokens(8192).stream(true).prompt(prompt).sessionInPath("overshoot").apiKey("sk-ant-bench");
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<int[]>> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      AbgProcess abg = instances.get(i % instances.size());
      clients.add(pool.submit(() -> {
        int sent = 0;
        while (sent < 100) {
          sent++;
          HttpRequest request = streamed.http(abg.baseUrl()).timeout(Duration.ofSeconds(60)).build();
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 402) {
            return new int[] {sent, 1};
          }
        }
        return new int[] {sent, 0};
      }));
    }
    int requests = 0;
    int blocked = 0;
    for (Future<int[]> c : clients) {
      int[] r = c.get();
      requests += r[0];
      blocked += r[1];
    }
    pool.shutdown();
    for (StreamRecord s : upstream.streams()) {
      s.awaitEnd(Duration.ofSeconds(30));
    }
    long upstreamPico = 0;
    for (StreamRecord s : upstream.streams()) {
      upstreamPico += INPUT_TOKENS * INPUT_PICO + s.outputTokensWritten() * OUTPUT_PICO;
    }
    long recorded = ledger.number("SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE session_id = 'overshoot'");
    long cutoffs = ledger.number("SELECT COUNT(*) FROM requests WHERE session_id = 'overshoot' AND action = 'cutoff'");
    return new Result(mode, requests, blocked, cutoffs, recorded, upstreamPico / 1_000_000);
  }

  private static String usd(long micros) {
    return (micros < 0 ? "−" : "+") + "$" + BigDecimal.valueOf(Math.abs(micros), 6).toPlainString();
  }
}
