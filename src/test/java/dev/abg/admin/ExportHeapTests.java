package dev.abg.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.ledger.LedgerStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * {@code GET /abg/export} of 100,000 ledger rows: every row exactly once, and the heap stays flat while it streams. The
 * client reads the stream line by line (never the whole body), in the same JVM as the server, so the heap measured is
 * both sides': the live heap is sampled after a full GC every 25,000 lines, against the live heap before the export.
 * An export built in memory (the rows as objects, or the body as text) would hold tens of megabytes at the first sample.
 */
@QuarkusTest
class ExportHeapTests {

  static final int ROWS = 100_000;
  /** Far below what 100,000 rows take as objects or as text (~60 MB of JSON lines). */
  static final long MAX_LIVE_GROWTH_BYTES = 16L * 1024 * 1024;
  private static final String REQUEST_ID = "\"request_id\":\"req-";

  @Inject
  LedgerStore store;

  @Test
  void shouldExportEveryRowExactlyOnceWithFlatMemory() throws Exception {
    String id = AdminApi.createSession("bulk", null);
    String other = AdminApi.createSession("bulk-other", null);
    long insertStart = System.nanoTime();
    LedgerRows.insert(store.dataSource(), id, ROWS, Instant.parse("2020-01-01T00:00:00Z"), 7, "claude-sonnet-4-6", false);
    LedgerRows.insert(store.dataSource(), other, 1_000, Instant.parse("2020-01-01T00:00:00Z"), 7, "claude-sonnet-4-6", false);
    long insertMillis = (System.nanoTime() - insertStart) / 1_000_000;

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = liveHeap(memory);
    AtomicLong rawPeak = new AtomicLong(baseline);
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        rawPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    String sessionField = "\"session_id\":\"" + id + "\"";
    long liveMax = baseline;
    long lines = 0;
    BitSet seen = new BitSet(ROWS);
    int duplicates = 0;
    long gcNanos = 0;
    long exportStart = System.nanoTime();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/abg/export?session=" + id)).build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElse(""));
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        // the lines' schema is checked by OpenApiContractTests; here only their identity matters, read without a parser
        assertTrue(line.contains(sessionField), line);
        int from = line.indexOf(REQUEST_ID) + REQUEST_ID.length();
        int n = Integer.parseInt(line.substring(from, line.indexOf('"', from)));
        if (seen.get(n)) {
          duplicates++;
        }
        seen.set(n);
        lines++;
        if (lines % 25_000 == 0) {
          long gcStart = System.nanoTime();
          liveMax = Math.max(liveMax, liveHeap(memory));
          gcNanos += System.nanoTime() - gcStart;
        }
      }
    }
    long exportMillis = (System.nanoTime() - exportStart) / 1_000_000;
    sampling.set(false);
    sampler.join();

    long liveGrowth = liveMax - baseline;
    String report = String.format("export of %,d rows in %,d ms, %,d ms of which in the test's forced GCs (insert %,d ms): live heap before %.1f MB, largest live growth during the export %.2f MB, "
            + "raw heap peak (garbage included) %.1f MB above the live baseline",
        lines, exportMillis, gcNanos / 1_000_000, insertMillis, mb(baseline), mb(liveGrowth), mb(rawPeak.get() - baseline));
    System.out.println("[abg-test] " + report);
    Files.writeString(Path.of("target", "export-heap.txt"), report + System.lineSeparator());

    assertEquals(ROWS, lines, "one line per row");
    assertEquals(0, duplicates, "no row twice");
    assertEquals(ROWS, seen.cardinality(), "every row once");
    assertTrue(liveGrowth < MAX_LIVE_GROWTH_BYTES, "the export should not hold rows in memory: " + report);
  }

  private static long liveHeap(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
