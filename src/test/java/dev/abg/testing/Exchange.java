package dev.abg.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;

import dev.abg.testing.FakeUpstreamConfig.Plan;
import dev.abg.testing.StreamRecord.Outcome;

import static dev.abg.testing.WireJson.obj;

/**
 * One request/response of {@link FakeUpstream}, run on the server's event loop: routes the request, writes the answer (a canned one,
 * JSON, or an event stream paced by timers) and injects the planned fault. Every callback first checks whether the connection is
 * still open, so a client or proxy that hangs up stops the stream where it is.
 */
final class Exchange {

  /** Junk for {@link Fault#GARBAGE}: neither SSE nor JSON. */
  static final byte[] GARBAGE = "<html><body>502 Bad Gateway</body></html>\r\n\u0000\u0001\u00ff}{ not an event stream\n"
      .getBytes(StandardCharsets.UTF_8);
  /** Pause between handing the last bytes to the connection and an RST, so that they leave the socket before it is reset. */
  private static final long RESET_GRACE_MS = 20;

  private enum Route {
    MESSAGES("anthropic.messages", true, true),
    COUNT_TOKENS("anthropic.count_tokens", false, true),
    RESPONSES("openai.responses", true, false),
    RESPONSES_WEBSOCKET("openai.responses.websocket", false, false),
    CHAT("openai.chat", true, false),
    MODELS("models", false, false),
    UNKNOWN("unknown", false, false);

    final String label;
    final boolean generation;
    final boolean anthropic;

    Route(String label, boolean generation, boolean anthropic) {
      this.label = label;
      this.generation = generation;
      this.anthropic = anthropic;
    }

    static Route of(String method, String path) {
      boolean post = "POST".equals(method);
      boolean get = "GET".equals(method);
      if (post && "/v1/messages".equals(path)) {
        return MESSAGES;
      } else if (post && "/v1/messages/count_tokens".equals(path)) {
        return COUNT_TOKENS;
      } else if (post && "/v1/responses".equals(path)) {
        return RESPONSES;
      } else if (get && "/v1/responses".equals(path)) {
        return RESPONSES_WEBSOCKET;
      } else if (post && "/v1/chat/completions".equals(path)) {
        return CHAT;
      } else if (get && "/v1/models".equals(path)) {
        return MODELS;
      }
      return UNKNOWN;
    }
  }

  private final FakeUpstream fake;
  private final Vertx vertx;
  private final Context context;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final RecordedRequest recorded;
  private final boolean anthropicClient;
  private final Route route;
  private final Plan plan;
  private final Set<Long> timers = new HashSet<>();
  private boolean closed;
  private Future<Void> lastWrite;
  private StreamRecord stream;
  private Gzipper gzipper;

  Exchange(FakeUpstream fake, Vertx vertx, HttpServerRequest request, RecordedRequest recorded, FakeUpstreamConfig config) {
    this.fake = fake;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.request = request;
    this.response = request.response();
    this.recorded = recorded;
    this.anthropicClient = recorded.path().startsWith("/v1/messages") || recorded.header("anthropic-version") != null;
    this.route = Route.of(recorded.method(), recorded.path());
    Plan planned = config.take(route.generation);
    String perRequest = route.generation && planned.canned() == null ? recorded.header(FAULT_HEADER) : null;
    this.plan = perRequest == null ? planned : planned.withFault(perRequest);
  }

  /** A request header that injects a fault into this one answer: {@code RESET:3} (fault name, then after how many events). */
  static final String FAULT_HEADER = "x-fake-fault";

  void run() {
    response.exceptionHandler(t -> { });
    response.closeHandler(v -> onClosed());
    if (plan.headersDelayMs() > 0) {
      schedule(plan.headersDelayMs(), this::respond);
    } else {
      respond();
    }
  }

  /** Resets the connection from outside (the fake is reset or closed); safe from any thread. */
  void abort() {
    context.runOnContext(v -> resetNow(Outcome.RESET));
  }

  private void respond() {
    if (closed) {
      return;
    }
    if (plan.canned() != null) {
      CannedResponse canned = plan.canned();
      commonHeaders();
      canned.headers().forEach((name, value) -> response.headers().set(name, value));
      finish(response.setStatusCode(canned.status()).end(Buffer.buffer(canned.body())));
      return;
    }
    switch (route) {
      case COUNT_TOKENS -> sendJson(200, AnthropicShapes.countTokens(plan), false);
      case MODELS -> sendJson(200, anthropicClient ? AnthropicShapes.models() : OpenAiShapes.models(createdAt()), false);
      case RESPONSES_WEBSOCKET -> sendError(426, "the fake upstream does not speak WebSocket; use HTTP POST /v1/responses");
      case UNKNOWN -> sendError(404, "the fake upstream has no route " + recorded.method() + " " + recorded.path());
      default -> generate();
    }
  }

  private void generate() {
    JsonObject body = recorded.bodyJson();
    if (body == null) {
      sendError(400, "the request body is not a JSON object");
      return;
    }
    String model = stringOr(body, "model", route == Route.MESSAGES ? AnthropicShapes.DEFAULT_MODEL : OpenAiShapes.DEFAULT_MODEL);
    boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
    int seq = recorded.seq();
    if (!stream) {
      String json = switch (route) {
        case MESSAGES -> AnthropicShapes.message(plan, model, seq);
        case RESPONSES -> OpenAiShapes.response(plan, model, seq, createdAt());
        default -> OpenAiShapes.chatCompletion(plan, model, seq, createdAt());
      };
      sendJson(200, json, true);
      return;
    }
    List<SseEvent> events = switch (route) {
      case MESSAGES -> AnthropicShapes.stream(plan, model, seq);
      case RESPONSES -> OpenAiShapes.responsesStream(plan, model, seq, createdAt());
      default -> OpenAiShapes.chatStream(plan, model, seq, createdAt(), includeUsage(body));
    };
    if (plan.fault() == Fault.MALFORMED_JSON) {
      int at = Math.min(plan.faultAfterEvents(), events.size() - 1);
      events = new ArrayList<>(events);
      events.set(at, events.get(at).malformed());
    }
    new Emitter(events, model).start();
  }

  /** Writes the events one by one, pausing before text deltas, and applies the stream faults at their position. */
  private final class Emitter {
    private final List<SseEvent> events;
    private final int faultAt;
    private int next;
    private boolean waited;

    Emitter(List<SseEvent> events, String model) {
      this.events = events;
      boolean positional = switch (plan.fault()) {
        case RESET, TRUNCATE, GARBAGE, HANG -> true;
        default -> false;
      };
      this.faultAt = positional ? Math.min(plan.faultAfterEvents(), events.size()) : -1;
      boolean gzip = wantsGzip();
      int textEvents = (int) events.stream().filter(SseEvent::text).count();
      long plannedTokens = route == Route.MESSAGES ? plan.outputTokens() : plan.openAiOutputTokens();
      stream = new StreamRecord(recorded.seq(), route.label, model, textEvents, plannedTokens, gzip);
      fake.streamStarted(stream);
      if (gzip) {
        gzipper = new Gzipper();
      }
    }

    void start() {
      commonHeaders();
      response.setStatusCode(200).setChunked(true);
      response.headers().set("content-type", "text/event-stream").set("cache-control", "no-cache");
      if (gzipper != null) {
        response.headers().set("content-encoding", "gzip");
      }
      pump();
    }

    private void pump() {
      while (!closed) {
        if (next == faultAt) {
          streamFault();
          return;
        }
        if (next >= events.size()) {
          endStream(Outcome.COMPLETED);
          return;
        }
        SseEvent event = events.get(next);
        if (event.text() && plan.eventDelayMs() > 0 && !waited) {
          waited = true;
          schedule(plan.eventDelayMs(), this::pump);
          return;
        }
        waited = false;
        writeBody(event.bytes());
        stream.written(event.name(), event.text(), event.tokensAfter());
        next++;
        if (response.writeQueueFull()) {
          response.drainHandler(v -> pump());
          return;
        }
      }
    }

    private void streamFault() {
      switch (plan.fault()) {
        case RESET -> resetAfterFlush(Outcome.RESET);
        case TRUNCATE -> endStream(Outcome.TRUNCATED);
        case GARBAGE -> {
          writeBody(GARBAGE);
          endStream(Outcome.GARBAGE);
        }
        default -> hang();
      }
    }

    private void endStream(Outcome outcome) {
      if (gzipper != null) {
        byte[] tail = gzipper.finish();
        if (tail.length > 0) {
          response.write(Buffer.buffer(tail));
        }
      }
      stream.end(outcome);
      finish(response.end());
    }
  }

  private void sendJson(int status, String json, boolean faultable) {
    Fault fault = faultable ? plan.fault() : Fault.NONE;
    byte[] body = fault == Fault.GARBAGE ? GARBAGE.clone() : json.getBytes(StandardCharsets.UTF_8);
    if (fault == Fault.MALFORMED_JSON) {
      body = Arrays.copyOf(body, Math.max(1, body.length / 2));
    }
    commonHeaders();
    response.setStatusCode(status).headers().set("content-type", "application/json");
    if (wantsGzip()) {
      response.headers().set("content-encoding", "gzip");
      Gzipper gz = new Gzipper();
      byte[] compressed = gz.compress(body);
      byte[] tail = gz.finish();
      body = Arrays.copyOf(compressed, compressed.length + tail.length);
      System.arraycopy(tail, 0, body, compressed.length, tail.length);
    }
    byte[] half = Arrays.copyOf(body, body.length / 2);
    switch (fault) {
      case RESET -> {
        response.putHeader("content-length", Integer.toString(body.length));
        lastWrite = response.write(Buffer.buffer(half));
        resetAfterFlush(null);
      }
      case TRUNCATE -> {
        response.setChunked(true);
        response.write(Buffer.buffer(half));
        finish(response.end());
      }
      case HANG -> {
        response.setChunked(true);
        hang();
      }
      default -> finish(response.end(Buffer.buffer(body)));
    }
  }

  private void sendError(int status, String message) {
    String json = anthropicClient
        ? WireJson.write(obj("type", "error", "error", obj("type", status == 404 ? "not_found_error" : "invalid_request_error",
            "message", message)))
        : WireJson.write(obj("error", obj("message", message, "type", "invalid_request_error", "param", null, "code", null)));
    sendJson(status, json, false);
  }

  private void commonHeaders() {
    if (plan.requestIdHeaders()) {
      response.headers().set(anthropicClient ? "request-id" : "x-request-id", "req_fake_" + recorded.seq());
    }
    for (Map.Entry<String, String> e : plan.responseHeaders().entrySet()) {
      response.headers().set(e.getKey(), e.getValue());
    }
  }

  private void writeBody(byte[] bytes) {
    lastWrite = response.write(Buffer.buffer(gzipper != null ? gzipper.compress(bytes) : bytes));
  }

  /** Headers (and events) are out; wait for the client to hang up, or reset after the hang limit. */
  private void hang() {
    if (!response.headWritten()) {
      lastWrite = response.writeHead();
    }
    schedule(plan.hangLimitMs(), () -> resetNow(Outcome.HANG_LIMIT));
  }

  private void resetAfterFlush(Outcome outcome) {
    if (lastWrite == null) {
      resetNow(outcome);
      return;
    }
    lastWrite.onComplete(ar -> schedule(RESET_GRACE_MS, () -> resetNow(outcome)));
  }

  /** An RST: SO_LINGER 0, then close. Falls back to a plain close when the connection is not a Netty one. */
  private void resetNow(Outcome outcome) {
    if (closed) {
      return;
    }
    if (stream != null && outcome != null) {
      stream.end(outcome);
    }
    closed = true;
    cancelTimers();
    fake.exchangeDone(this);
    if (request.connection() instanceof ConnectionBase base) {
      Channel channel = base.channel();
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    } else {
      request.connection().close();
    }
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    cancelTimers();
    if (stream != null) {
      stream.end(Outcome.CLIENT_CLOSED);
    }
    fake.exchangeDone(this);
  }

  private void finish(Future<Void> end) {
    end.onComplete(ar -> {
      if (!closed) {
        closed = true;
        cancelTimers();
        fake.exchangeDone(this);
      }
    });
  }

  private void schedule(long delayMs, Runnable action) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(delayMs, t -> {
      timers.remove(id[0]);
      if (!closed) {
        action.run();
      }
    });
    timers.add(id[0]);
  }

  private void cancelTimers() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private boolean wantsGzip() {
    if (!plan.gzipWhenAccepted()) {
      return false;
    }
    for (String value : recorded.headerValues("accept-encoding")) {
      for (String token : value.split(",")) {
        String[] parts = token.trim().split(";");
        boolean zeroQ = parts.length > 1 && parts[1].trim().replace(" ", "").matches("q=0(\\.0*)?");
        if (parts[0].trim().equalsIgnoreCase("gzip") && !zeroQ) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean includeUsage(JsonObject body) {
    Object options = body.getValue("stream_options");
    return options instanceof JsonObject o && Boolean.TRUE.equals(o.getValue("include_usage"));
  }

  private static String stringOr(JsonObject body, String key, String fallback) {
    Object value = body.getValue(key);
    return value instanceof String s && !s.isEmpty() ? s : fallback;
  }

  private static long createdAt() {
    return System.currentTimeMillis() / 1000;
  }
}
