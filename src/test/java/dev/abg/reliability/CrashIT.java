package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.Ledger;
import dev.abg.testing.PackagedProxy;

/**
 * Crash safety of the packaged proxy: six clients send streamed and non-streamed Anthropic and OpenAI requests, the proxy is
 * killed with SIGKILL in the middle of that load and restarted on the same files. Every request whose response a client
 * received complete must be in the ledger with its exact cost (matched by the upstream's request id), each session's total must
 * equal the sum of its rows, the database must pass {@code PRAGMA integrity_check}, and the JSONL ledger must hold no torn line
 * (a torn last line — written here as a crash mid-write would leave it — is cut off at the restart, with a log line).
 */
@Timeout(180)
@PackagedProxy(config = {"ledger_file: ledger.jsonl", "session_budget_usd: 1000", "daily_budget_usd: off", "loop_max_repeats: off"})
class CrashIT {

  /** What a client asks for; each kind has one exact cost with the fake's fixed usage. */
  enum Kind {
    ANTHROPIC_STREAM(true, "event: message_stop"),
    ANTHROPIC_JSON(false, "\"usage\""),
    RESPONSES_STREAM(true, "event: response.completed"),
    CHAT_JSON(false, "\"usage\"");

    final boolean stream;
    /** Seen in a complete answer. */
    final String end;

    Kind(boolean stream, String end) {
      this.stream = stream;
      this.end = end;
    }

    AgentRequest request() {
      return switch (this) {
        case ANTHROPIC_STREAM, ANTHROPIC_JSON -> AgentRequest.anthropic("claude-sonnet-4-6").stream(stream);
        case RESPONSES_STREAM -> AgentRequest.responses("gpt-5.5").stream(true);
        case CHAT_JSON -> AgentRequest.chat("gpt-5.5").without("stream");
      };
    }
  }

  /** A response the client received, complete or not. */
  record Received(Kind kind, String session, String requestId, boolean complete, boolean endEventSeen) {
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static final int CLIENTS = 6;
  static final int SESSIONS = 3;

  @Test
  void shouldKeepEveryCompletedRequestAcrossASigkillAndRepairATornJsonlLine(AbgProcess abg, FakeUpstream upstream) throws Exception {
    // streams take a few milliseconds, so that the kill finds some of them midway
    upstream.config().textEvents(6).eventDelayMs(2);
    Ledger ledger = abg.ledger();
    Path jsonl = abg.dir().resolve("ledger.jsonl");

    ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(CLIENTS);
    try {
      // one of each kind first, alone: their costs are the reference
      for (Kind kind : Kind.values()) {
        Received r = send(abg.baseUrl(), kind, "crash-calibrate");
        assertTrue(r.complete(), "calibration " + kind);
        received.add(r);
      }
      for (int c = 0; c < CLIENTS; c++) {
        String base = abg.baseUrl();
        Thread t = new Thread(() -> {
          try {
            while (!stop.get()) {
              Kind kind = Kind.values()[ThreadLocalRandom.current().nextInt(Kind.values().length)];
              sent.incrementAndGet();
              try {
                received.add(send(base, kind, "crash-" + ThreadLocalRandom.current().nextInt(SESSIONS)));
              } catch (IOException e) {
                failed.incrementAndGet();       // the proxy is gone: this request never got an answer head
              }
            }
          } finally {
            done.countDown();
          }
        }, "crash-client-" + c);
        t.setDaemon(true);
        t.start();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.stream().filter(Received::complete).count() < 300 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      abg.kill();                                  // SIGKILL, in the middle of the load
    } finally {
      stop.set(true);
      abg.kill();
    }
    assertTrue(done.await(30, java.util.concurrent.TimeUnit.SECONDS), "the clients stopped");

    List<Received> all = new ArrayList<>(received);
    List<Received> complete = all.stream().filter(Received::complete).toList();
    List<Received> cutShort = all.stream().filter(r -> !r.complete()).toList();
    System.out.printf("[crash] sent %d, complete %d, cut short by the kill %d (with the final event already seen: %d), no answer %d%n",
        sent.get() + Kind.values().length, complete.size(), cutShort.size(), cutShort.stream().filter(Received::endEventSeen).count(), failed.get());
    assertTrue(complete.size() >= 300, "enough load before the kill: " + complete.size());

    // right after the crash, before any restart: the database is whole
    assertEquals("ok", ledger.integrityCheck());
    byte[] afterCrash = Files.readAllBytes(jsonl);
    assertTrue(afterCrash.length > 0);
    boolean tornByTheKill = afterCrash[afterCrash.length - 1] != '\n';
    // a crash in the middle of a write leaves half a line: write one, as the kill could have
    List<String> lines = Files.readAllLines(jsonl);
    int completeLines = tornByTheKill ? lines.size() - 1 : lines.size();
    if (!tornByTheKill) {
      String last = lines.get(lines.size() - 1);
      Files.write(jsonl, last.substring(0, last.length() / 2).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    abg.restart();                               // on the same files
    try {
      assertTrue(abg.log().contains("ended with a torn line"), abg.log());
      byte[] repaired = Files.readAllBytes(jsonl);
      assertEquals('\n', repaired[repaired.length - 1], "the torn line is cut off at the start");
      List<JsonNode> jsonLines = parseEveryLine(jsonl);
      assertEquals(completeLines, jsonLines.size(), "every complete line kept, only the torn one removed");

      Map<String, Map<String, Object>> rows = rowsByRequestId(ledger);
      Map<Kind, Long> cost = new HashMap<>();
      for (Received r : all.subList(0, Kind.values().length)) {
        cost.put(r.kind(), ((Number) rows.get(r.requestId()).get("cost_micros")).longValue());
      }
      Set<String> inJsonl = jsonLines.stream().map(n -> n.path("request_id").asText()).collect(Collectors.toSet());
      for (Received r : complete) {
        Map<String, Object> row = rows.get(r.requestId());
        assertTrue(row != null, "a complete " + r.kind() + " answer (" + r.requestId() + ") is in the ledger");
        assertEquals(cost.get(r.kind()), ((Number) row.get("cost_micros")).longValue(), "its exact cost: " + row);
        assertEquals("reported", row.get("usage_source"));
        assertEquals(r.session(), row.get("session_id"));
        assertTrue(inJsonl.contains(r.requestId()), "and in the JSONL ledger: " + r.requestId());
      }
      // totals equal the sum of rows, as stored and as the restarted proxy's books show them
      JsonNode status = JSON.readTree(abg.get("/abg/status").body());
      for (Map<String, Object> s : ledger.query("SELECT s.id, s.spent_micros, s.requests, (SELECT COALESCE(SUM(cost_micros), 0) FROM requests r "
          + "WHERE r.session_id = s.id) AS summed, (SELECT COUNT(*) FROM requests r WHERE r.session_id = s.id) AS counted FROM sessions s")) {
        assertEquals(((Number) s.get("summed")).longValue(), ((Number) s.get("spent_micros")).longValue(), "sessions.spent_micros of " + s);
        assertEquals(((Number) s.get("counted")).longValue(), ((Number) s.get("requests")).longValue(), "sessions.requests of " + s);
        long booked = status.path("sessions").path((String) s.get("id")).decimalValue().movePointRight(6).longValueExact();
        assertEquals(((Number) s.get("summed")).longValue(), booked, "the restarted proxy's books for " + s.get("id"));
      }
      // answers cut by the kill after their final event but before the end of the body: not complete by the durability
      // rule (the end of a response is released after its row commits); say how many of them made it anyway
      long finalEventOnly = cutShort.stream().filter(Received::endEventSeen).count();
      long finalEventOnlyRecorded = cutShort.stream().filter(r -> r.endEventSeen() && rows.containsKey(r.requestId())).count();
      System.out.printf("[crash] rows %d, complete answers checked %d, JSONL lines %d, torn line written by the kill itself: %s, "
          + "final event seen without the end of the body: %d (of which recorded %d)%n",
          rows.size(), complete.size(), jsonLines.size(), tornByTheKill, finalEventOnly, finalEventOnlyRecorded);

      // the restarted proxy appends clean lines after the repaired tail
      for (Kind kind : Kind.values()) {
        assertTrue(send(abg.baseUrl(), kind, "crash-after").complete());
      }
      assertEquals(completeLines + Kind.values().length, parseEveryLine(jsonl).size());
    } finally {
      abg.close();
    }
    assertEquals("ok", ledger.integrityCheck());
  }

  private static Received send(String base, Kind kind, String session) throws IOException {
    HttpRequest.Builder b = kind.request().abgSession(session).http(base).timeout(Duration.ofSeconds(20));
    HttpResponse<InputStream> response;
    try {
      response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String requestId = response.headers().firstValue("request-id").or(() -> response.headers().firstValue("x-request-id")).orElse(null);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean eof = false;
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        body.write(buffer, 0, n);
      }
      eof = true;
    } catch (IOException cut) {
      // the connection broke before the end of the body
    }
    String text = body.toString(StandardCharsets.UTF_8);
    boolean endSeen = text.contains(kind.end);
    boolean complete = eof && response.statusCode() == 200 && endSeen && (kind.stream || isJson(text));
    return new Received(kind, session, requestId, complete, endSeen);
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static boolean isJson(String text) {
    try {
      return JSON.readTree(text).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  static List<JsonNode> parseEveryLine(Path jsonl) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(jsonl)) {
      n++;
      JsonNode node = JSON.readTree(line);               // throws on a torn line
      assertTrue(node.isObject() && node.has("cost_usd") && node.has("request_id"), "line " + n + ": " + line);
      out.add(node);
    }
    return out;
  }

  private static Map<String, Map<String, Object>> rowsByRequestId(Ledger ledger) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Map<String, Object> row : ledger.query("SELECT * FROM requests")) {
      Object id = row.get("request_id");
      if (id != null) {
        assertTrue(out.put((String) id, row) == null, "one row per request id: " + id);
      }
    }
    return out;
  }
}
