package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.Ledger;
import dev.abg.testing.PackagedProxy;

/**
 * Soak: 20,000 mixed requests (Anthropic and OpenAI, streamed and not, about one in 25 with an upstream fault, some abandoned
 * by the client midway) through the packaged proxy after a warm-up of 1,000. Afterwards the proxy's open file descriptors and
 * threads have not grown, its heap after a full GC is back to the baseline taken after the warm-up, nothing is left in flight,
 * and every request sent has exactly one ledger row and one JSONL line.
 */
@Timeout(300)
@PackagedProxy(config = {"ledger_file: ledger.jsonl", "session_budget_usd: 100000", "daily_budget_usd: off", "upstream_idle_timeout_s: 1",
    "loop_max_repeats: off"})
class SoakIT {

  static final int WARMUP = 1_000;
  static final int REQUESTS = 20_000;
  static final int CLIENTS = 8;
  static final int SESSIONS = 16;
  /** Upstream faults, one of them every {@link #FAULT_EVERY} requests. */
  static final String[] FAULTS = {"RESET:3", "TRUNCATE:3", "GARBAGE:2", "MALFORMED_JSON:1", "MISSING_USAGE"};
  static final int FAULT_EVERY = 25;
  /** Every so many requests, the client reads the first bytes of a stream that then hangs, and hangs up. */
  static final int ABANDON_EVERY = 400;
  /** Every so many requests, the upstream goes silent midway and the proxy's 1 s idle timeout ends it. */
  static final int SILENT_EVERY = 2_500;

  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  enum Kind {
    ANTHROPIC_STREAM, ANTHROPIC_JSON, RESPONSES_STREAM, RESPONSES_JSON, CHAT_STREAM, CHAT_JSON;

    boolean stream() {
      return name().endsWith("STREAM");
    }

    AgentRequest request() {
      return switch (this) {
        case ANTHROPIC_STREAM, ANTHROPIC_JSON -> AgentRequest.anthropic("claude-sonnet-4-6").stream(stream());
        case RESPONSES_STREAM, RESPONSES_JSON -> AgentRequest.responses("gpt-5.5").stream(stream());
        default -> AgentRequest.chat("gpt-5.5").stream(stream());
      };
    }
  }

  record Figures(long fds, long threads, long heapUsedKb) {
  }

  final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

  @Test
  void shouldServeTwentyThousandMixedRequestsWithoutLeaksAndAccountForEachOne(AbgProcess abg, FakeUpstream upstream) throws Exception {
    upstream.config().hangLimitMs(15_000);
    Ledger ledger = abg.ledger();
    run(abg, 0, WARMUP);
    awaitRows(ledger, WARMUP);
    Figures baseline = figures(abg);
    outcomes.clear();

    long started = System.nanoTime();
    run(abg, WARMUP, REQUESTS);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    long rows = awaitRows(ledger, WARMUP + REQUESTS);
    awaitNothingInFlight(abg);
    Figures after = figures(abg);

    long faults = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("fault ")).mapToLong(e -> e.getValue().sum()).sum();
    System.out.printf("[soak] %d requests in %d s after a warm-up of %d; outcomes %s%n", REQUESTS, seconds, WARMUP, new java.util.TreeMap<>(outcomes));
    System.out.printf("[soak] baseline fds %d threads %d heap %d KB; after fds %d threads %d heap %d KB; rows %d%n", baseline.fds(), baseline.threads(),
        baseline.heapUsedKb(), after.fds(), after.threads(), after.heapUsedKb(), rows);

    assertEquals(WARMUP + REQUESTS, rows, "one ledger row per request sent");
    try (Stream<String> lines = Files.lines(abg.dir().resolve("ledger.jsonl"))) {
      assertEquals(WARMUP + REQUESTS, lines.count(), "one JSONL line per request sent");
    }
    List<Map<String, Object>> off = ledger.query("SELECT s.id FROM sessions s WHERE s.spent_micros != (SELECT COALESCE(SUM(cost_micros), 0) "
        + "FROM requests r WHERE r.session_id = s.id) OR s.requests != (SELECT COUNT(*) FROM requests r WHERE r.session_id = s.id)");
    assertEquals(List.of(), off, "sessions whose totals are not the sum of their rows");
    long estimated = ledger.number("SELECT COUNT(*) FROM requests WHERE usage_source = 'estimated'");
    assertTrue(estimated >= faults, "every faulted request is billed as estimated: " + estimated + " of " + faults);
    assertEquals("ok", ledger.integrityCheck());
    assertTrue(faults >= REQUESTS / FAULT_EVERY - 1, "faults injected: " + faults);
    assertTrue(after.fds() <= baseline.fds() + 8, "open file descriptors grew: " + baseline.fds() + " → " + after.fds());
    assertTrue(after.threads() <= baseline.threads() + 4, "threads grew: " + baseline.threads() + " → " + after.threads());
    assertTrue(after.heapUsedKb() <= baseline.heapUsedKb() + 8 * 1024, "live heap grew: " + baseline.heapUsedKb() + " KB → " + after.heapUsedKb() + " KB");
  }

  private void run(AbgProcess abg, int from, int count) throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    int end = from + count;
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> clients = new java.util.ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < end; i = next.getAndIncrement()) {
            one(abg.baseUrl(), i);
          }
          return null;
        }));
      }
      for (Future<?> f : clients) {
        f.get(240, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void one(String base, int i) throws InterruptedException {
    Kind kind = Kind.values()[i % Kind.values().length];
    String fault = null;
    boolean abandon = false;
    if (i % ABANDON_EVERY == 7) {
      kind = Kind.ANTHROPIC_STREAM;
      fault = "HANG:3";
      abandon = true;
    } else if (i % SILENT_EVERY == 11) {
      kind = Kind.RESPONSES_STREAM;
      fault = "HANG:3";
    } else if (i % FAULT_EVERY == 3) {
      fault = FAULTS[(i / FAULT_EVERY) % FAULTS.length];
    }
    AgentRequest request = kind.request().abgSession("soak-" + (i % SESSIONS));
    if (fault != null) {
      request.fault(fault);
    }
    HttpRequest.Builder b = request.http(base);
    String outcome;
    try {
      HttpResponse<InputStream> response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (abandon) {
          in.readNBytes(64);
          outcome = "abandoned by the client";
        } else {
          String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          outcome = response.statusCode() + (body.contains("abg: ") ? " abg error" : "");
        }
      }
    } catch (IOException e) {
      outcome = "connection broken";
    }
    outcomes.computeIfAbsent((fault != null && !abandon ? "fault " + fault.split(":")[0] + " → " : "") + outcome, k -> new LongAdder()).increment();
  }

  private static long awaitRows(Ledger ledger, long expected) throws Exception {
    long rows = -1;
    for (int i = 0; i < 300; i++) {
      rows = ledger.number("SELECT COUNT(*) FROM requests");
      if (rows >= expected) {
        return rows;
      }
      Thread.sleep(100);
    }
    return rows;
  }

  private static void awaitNothingInFlight(AbgProcess abg) throws Exception {
    JsonNode details = null;
    for (int i = 0; i < 100; i++) {
      details = CrashIT.JSON.readTree(abg.get("/abg/status").body()).path("details");
      boolean idle = true;
      for (JsonNode s : details) {
        idle &= s.path("in_flight_usd").decimalValue().signum() == 0;
      }
      if (idle) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("requests still in flight: " + details);
  }

  /** Open file descriptors and threads from /proc, and the live heap after a full GC from jcmd. */
  private static Figures figures(AbgProcess abg) throws Exception {
    Thread.sleep(1_500);                                  // let closed connections finish closing
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    exec(jcmd, Long.toString(abg.pid()), "GC.run");
    String heap = exec(jcmd, Long.toString(abg.pid()), "GC.heap_info");
    long used = 0;
    Matcher m = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(heap);
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    assertTrue(used > 0, "heap figures from jcmd: " + heap);
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(abg.pid()), "fd"))) {
      fds = s.count();
    }
    long threads = Files.readAllLines(Path.of("/proc", Long.toString(abg.pid()), "status")).stream().filter(l -> l.startsWith("Threads:"))
        .mapToLong(l -> Long.parseLong(l.substring(8).trim())).findFirst().orElseThrow();
    return new Figures(fds, threads, used);
  }

  private static String exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    return out;
  }
}
