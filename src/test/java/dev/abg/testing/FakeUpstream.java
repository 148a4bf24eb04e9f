package dev.abg.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fake Anthropic + OpenAI upstream: a real Vert.x HTTP server on 127.0.0.1 and a random port that answers with the event shapes
 * the real CLIs accept (byte-identical to {@link ReferenceSamples}, docs/agents.md §4, with the default {@linkplain #config() config}), records every
 * request and what each stream actually wrote, and injects faults on demand. Usable from any JUnit test:
 *
 * <pre>{@code
 * try (FakeUpstream upstream = FakeUpstream.started()) {
 *   upstream.config().anthropicUsage(100, 0, 0, 0, 50).textEvents(5).eventDelayMs(20);
 *   ... point the client or the proxy at upstream.baseUrl() ...
 *   assertEquals(1, upstream.count("POST", "/v1/messages"));
 * }
 * }</pre>
 *
 * <p>Routes ({@code baseUrl()} has no {@code /v1}; a query string is ignored for routing and kept in the record):
 * <ul>
 *   <li>{@code POST /v1/messages}: an SSE stream when the JSON body has {@code "stream": true}, else the JSON message; the model is echoed.</li>
 *   <li>{@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}.</li>
 *   <li>{@code POST /v1/responses}: the Responses event stream when {@code "stream": true}, else the response object.</li>
 *   <li>{@code POST /v1/chat/completions}: {@code chat.completion.chunk} events ending with {@code data: [DONE]} (the usage chunk only with
 *       {@code stream_options.include_usage}), else the {@code chat.completion}.</li>
 *   <li>{@code GET /v1/models}: a two-model list, in Anthropic's shape when the request has {@code anthropic-version}, else OpenAI's.</li>
 *   <li>{@code GET /v1/responses} (Codex's WebSocket attempt): 426, so a client falls back to HTTP at once. Anything else: 404.</li>
 * </ul>
 * A body that is not JSON gets a 400 in the provider's error shape. {@link FakeUpstreamConfig#respondNext} answers apply to any route;
 * faults only to the three generation routes. A request header {@code x-fake-fault: NAME[:K]} (e.g. {@code RESET:3}) injects a fault
 * into that one answer, for per-request faults under concurrent load.
 */
public final class FakeUpstream implements AutoCloseable {

  private static final Duration START_STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final FakeUpstreamConfig config = new FakeUpstreamConfig();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<StreamRecord> streams = new CopyOnWriteArrayList<>();
  private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
  private final AtomicInteger seq = new AtomicInteger();
  private volatile HttpServer server;
  private volatile int port = -1;

  /** A fake with its own Vert.x instance (closed by {@link #close()}). */
  public FakeUpstream() {
    this(Vertx.vertx(), true);
  }

  /** A fake on an existing Vert.x instance (for example Quarkus' own); {@link #close()} leaves that instance running. */
  public FakeUpstream(Vertx vertx) {
    this(vertx, false);
  }

  private FakeUpstream(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
  }

  /** A new fake with its own Vert.x instance, already listening. */
  public static FakeUpstream started() {
    return new FakeUpstream().start();
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  public synchronized FakeUpstream start() {
    if (server != null) {
      throw new IllegalStateException("already started on port " + port);
    }
    HttpServer created = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle);
    server = await(created.listen().toCompletionStage().toCompletableFuture(), "start");
    port = server.actualPort();
    return this;
  }

  /** {@code http://127.0.0.1:PORT}: no trailing slash, no {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    if (port < 0) {
      throw new IllegalStateException("not started");
    }
    return port;
  }

  /** The settings of the answers; change them at any time. */
  public FakeUpstreamConfig config() {
    return config;
  }

  /** Every request received since start or the last {@link #reset()}, in arrival order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** The requests with this method and path (without query). */
  public List<RecordedRequest> requests(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
  }

  public int requestCount() {
    return requests.size();
  }

  /** How many requests with this method and path (without query) arrived. */
  public int count(String method, String path) {
    return requests(method, path).size();
  }

  /** The latest request, or null. */
  public RecordedRequest lastRequest() {
    List<RecordedRequest> all = requests();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Waits until at least {@code n} requests have arrived and returns the {@code n}-th. */
  public RecordedRequest awaitRequest(int n, Duration timeout) {
    awaitCondition(() -> requests.size() >= n, timeout, () -> "request #" + n + " did not arrive; got " + requests());
    return requests.get(n - 1);
  }

  /** Every stream started since start or the last {@link #reset()}, in order. */
  public List<StreamRecord> streams() {
    return List.copyOf(streams);
  }

  /** The latest stream, or null. */
  public StreamRecord lastStream() {
    List<StreamRecord> all = streams();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** The stream that answered this request, or null. */
  public StreamRecord streamFor(RecordedRequest request) {
    return streams.stream().filter(s -> s.requestSeq() == request.seq()).findFirst().orElse(null);
  }

  /** Waits until at least {@code n} streams have ended (in any way) and returns the {@code n}-th started. */
  public StreamRecord awaitStreamEnded(int n, Duration timeout) {
    awaitCondition(() -> streams.size() >= n && streams.get(n - 1).isEnded(), timeout,
        () -> "stream #" + n + " did not end; streams: " + streams());
    return streams.get(n - 1);
  }

  /** Output tokens of all streams as actually written, the "true upstream spend" of output in a test. */
  public long outputTokensWritten() {
    return streams.stream().mapToLong(StreamRecord::outputTokensWritten).sum();
  }

  /** How many connections are answering right now (streaming, hanging or delayed). */
  public int activeExchanges() {
    return active.size();
  }

  /** Default config, no records, numbering from 1 again; resets the connections of answers still running. */
  public void reset() {
    config.reset();
    active.forEach(Exchange::abort);
    active.clear();
    requests.clear();
    streams.clear();
    seq.set(0);
  }

  /** Stops the server (and the Vert.x instance when it is the fake's own). Idempotent. */
  @Override
  public synchronized void close() {
    active.forEach(Exchange::abort);
    active.clear();
    if (server != null) {
      await(server.close().toCompletionStage().toCompletableFuture(), "stop");
      server = null;
    }
    if (ownsVertx) {
      await(vertx.close().toCompletionStage().toCompletableFuture(), "close Vert.x");
    }
  }

  void streamStarted(StreamRecord stream) {
    streams.add(stream);
  }

  void exchangeDone(Exchange exchange) {
    active.remove(exchange);
  }

  private void handle(HttpServerRequest request) {
    request.body().onComplete(ar -> {
      if (ar.failed()) {
        return;
      }
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      RecordedRequest recorded = new RecordedRequest(seq.incrementAndGet(), request.method().name(), request.uri(), request.path(), headers,
          ar.result().getBytes(), Instant.now(), System.nanoTime());
      requests.add(recorded);
      Exchange exchange = new Exchange(this, vertx, request, recorded, config);
      active.add(exchange);
      exchange.run();
    });
  }

  private static void awaitCondition(BooleanSupplier condition, Duration timeout, Supplier<String> message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(message.get() + " within " + timeout);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(START_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("fake upstream: " + what + " took longer than " + START_STOP_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("fake upstream: " + what + " failed", e.getCause());
    }
  }
}
