package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.FakeUpstream;

/**
 * Large payloads on the packaged proxy with the JVM flags it ships with (a 128 MB heap): eight concurrent 31 MB bodies
 * (the limit is 32 MB) and a 10 MB streamed event, while the proxy keeps answering its status. Bodies past the
 * {@code max_buffered_body_mb} budget wait, or get a 503 with {@code retry-after} and are sent again; none exhausts the
 * heap, and the event goes through in linear time.
 */
@Timeout(300)
class LargePayloadIT {

  @Test
  void shouldTakeEightConcurrent31MbBodiesAndA10MbEventWhileAnsweringThroughout(@TempDir Path dir) throws Exception {
    try (FakeUpstream upstream = FakeUpstream.started()) {
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "session_budget_usd", "1000", "daily_budget_usd", "off",
          "loop_max_repeats", "off");
      AbgProcess abg = AbgProcess.startWithShippedJvmArgs(dir, config);
      try {
        List<Long> statusMs = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean probing = new AtomicBoolean(true);
        Thread probe = new Thread(() -> {
          while (probing.get()) {
            long t0 = System.nanoTime();
            assertEquals(200, abg.get("/abg/status").statusCode());
            statusMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            Load.sleep(100);
          }
        });
        probe.start();

        // 31 text blocks of ~1 MB (an image or a PDF would be one block; JSON parsers cap one string at 20 MB)
        String block = "{\"type\":\"text\",\"text\":\"" + "A".repeat(1024 * 1024 - 64) + "\"}";
        String big = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":["
            + String.join(",", Collections.nCopies(31, block)) + "]}]}";
        List<CompletableFuture<int[]>> bodies = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 8; i++) {
          String session = "big-" + i;
          bodies.add(CompletableFuture.supplyAsync(() -> sendUntilTaken(abg.baseUrl(), session, big)));
        }
        int busy = 0;
        for (CompletableFuture<int[]> f : bodies) {
          int[] r = f.get(240, TimeUnit.SECONDS);
          assertEquals(200, r[0], "each body is taken in the end");
          busy += r[1];
        }
        long bodiesMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        upstream.config().deltas("x".repeat(10 * 1024 * 1024));
        long e0 = System.nanoTime();
        Load.Answer event = Load.send(abg.baseUrl(), "big-event");
        long eventMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - e0);
        assertTrue(event.complete(), "the 10 MB event passed: " + event.status());
        assertTrue(event.body().length() > 10 * 1024 * 1024);
        probing.set(false);
        probe.join();
        long worst = statusMs.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("[large] 8 x 31 MB bodies in %d ms (%d 503s with retry-after, sent again); a 10 MB event in %d ms; "
            + "status answered %d times throughout, slowest %d ms%n", bodiesMs, busy, eventMs, statusMs.size(), worst);
        assertTrue(worst < 5_000, "the proxy answered throughout: slowest status " + worst + " ms");
        assertTrue(eventMs < 20_000, "linear: " + eventMs + " ms");
        assertTrue(abg.log().lines().noneMatch(l -> l.contains("OutOfMemoryError")), abg.log());
      } finally {
        abg.close();
      }
    }
  }

  /** @return the final status, and how many 503s came before it */
  private static int[] sendUntilTaken(String base, String session, String body) {
    int busy = 0;
    while (true) {
      try {
        HttpResponse<String> r = Load.CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/messages")).timeout(Duration.ofSeconds(120))
            .header("content-type", "application/json").header("x-abg-session-id", session).header("anthropic-version", "2023-06-01")
            .header("x-api-key", "sk-ant-test-large").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 503 || busy > 100) {
          if (r.statusCode() != 200) {
            System.out.println("[large] " + session + ": " + r.statusCode() + " " + r.body());
          }
          return new int[] {r.statusCode(), busy};
        }
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "a 503 says when to retry");
        assertTrue(r.body().contains("max_buffered_body_mb"), r.body());
        busy++;
        Load.sleep(500);
      } catch (java.io.IOException e) {
        busy++;
        Load.sleep(500);          // the connection closed on a refused upload: send it again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new int[] {-1, busy};
      }
    }
  }
}
