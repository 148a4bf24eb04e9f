package dev.abg.proxy;

import java.time.Clock;

import dev.abg.proxy.tap.TapSnapshot;
import dev.abg.proxy.tap.UsageTap;
import dev.abg.proxy.tap.UsageTaps;
import dev.abg.spend.BudgetDecision;
import dev.abg.spend.Outcome;
import dev.abg.spend.Provider;
import dev.abg.spend.Reservation;
import dev.abg.spend.SpendService;
import dev.abg.spend.Standing;
import dev.abg.spend.Usage;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One admitted, billed request on its way through: sends the body upstream, streams the response back unbuffered while
 * the usage tap reads it, meters what it has consumed against the session, and settles it exactly once — on the
 * upstream's end, on an upstream failure, or when the agent goes away (then the upstream connection is closed too). Every
 * way it can end is an {@link Ending}, and {@link #finish} is the one place that settles and answers it.
 *
 * <p>The end of the response is released only after the ledger row has committed, so a client that received a complete
 * response can count on its row. A streamed response is never held back: each complete event goes out in the same turn
 * of the event loop that read it (events read together are written together, with one flush); for a plain JSON body the
 * last chunk waits for the commit.
 */
final class BilledExchange implements ProxyShutdown.Stoppable {

  private final ProxyCall call;
  private final HttpServerRequest in;
  private final HttpServerResponse out;
  private final Endpoint endpoint;
  /** The request's input tokens: counted upstream near the cap, else estimated from its size. */
  private final long inputTokens;
  private final Reservation reservation;
  private final Standing standing;
  private final SpendService spend;
  private final UpstreamClient upstream;
  private final Clock clock;
  private final ProxyMetrics metrics;
  private final Context context;
  private final ProxyShutdown shutdown;
  private volatile boolean answered;
  private long sentNanos;

  private HttpClientRequest upstreamRequest;
  private HttpClientResponse upstreamResponse;
  private UsageTap tap;
  private boolean eventStream;
  private Usage metered = Usage.NONE;
  /** What is not forwarded yet of a JSON body: its last chunk, until its row commits. */
  private Buffer held;
  /**
   * The start of an SSE event the upstream has not finished sending, as the chunks arrived (kept, not copied), and its
   * size: only the new bytes of each chunk are scanned for the event's end, so a large event costs linear time.
   */
  private final java.util.ArrayList<Buffer> partial = new java.util.ArrayList<>();
  private long partialBytes;
  /** When a cut-off came with a chunk that was not forwarded: the tap as it stood before that chunk (what really passed). */
  private TapSnapshot passed;
  /**
   * Complete SSE events that arrived in the read the event loop is handling now, written to the agent together as soon
   * as that read is handled (see {@link #send}); null when there are none.
   */
  private Buffer unsent;
  private Integer upstreamStatus;
  private String requestId;
  /** The exchange has started to finish (settlement under way): nothing more is forwarded or settled. */
  private boolean finishing;
  /** The upstream went silent past the idle timeout before answering. */
  private boolean timedOut;
  /** The response's idle timer (Vert.x's request idle timeout ends when the response head arrives), or -1. */
  private long idleTimer = -1;
  private long lastUpstreamData;
  /** The upstream is paused because the agent reads slowly: that silence is ours, not the upstream's. */
  private boolean paused;

  BilledExchange(ProxyCall call, long inputTokens, BudgetDecision.Granted granted, SpendService spend, UpstreamClient upstream, Clock clock,
                 ProxyMetrics metrics, ProxyShutdown shutdown) {
    this.shutdown = shutdown;
    this.call = call;
    this.in = call.in();
    this.out = in.response();
    this.endpoint = call.endpoint();
    this.inputTokens = inputTokens;
    this.reservation = granted.reservation();
    this.standing = granted.standing();
    this.spend = spend;
    this.upstream = upstream;
    this.clock = clock;
    this.metrics = metrics;
    this.context = Vertx.currentContext();
  }

  void start() {
    shutdown.started(this);
    out.closeHandler(v -> finish(new Ending.ClientGone()));
    if (out.closed()) {
      // the agent left while abg was counting tokens or waiting: buy nothing
      finish(new Ending.ClientGone());
      return;
    }
    reservation.onCutOff(message -> {
      if (Vertx.currentContext() == context) {
        finish(new Ending.CutOff(message));
      } else {
        context.runOnContext(v -> finish(new Ending.CutOff(message)));
      }
    });
    upstream.open(in, endpoint.provider, call.path().upstreamPathAndQuery(), true).onComplete(opened -> {
      if (opened.failed()) {
        failBeforeResponse(opened.cause());
        return;
      }
      upstreamRequest = opened.result();
      if (finishing) {
        upstreamRequest.reset();
        return;
      }
      sentNanos = System.nanoTime();
      upstreamRequest.send(call.toSend()).onComplete(sent -> {
        if (sent.failed()) {
          failBeforeResponse(sent.cause());
        } else {
          onResponse(sent.result());
        }
      });
    });
  }

  private void onResponse(HttpClientResponse response) {
    if (finishing) {
      response.request().reset();
      return;
    }
    metrics.upstreamResponded(endpoint.provider, sentNanos);
    upstreamResponse = response;
    upstreamStatus = response.statusCode();
    requestId = firstNonNull(response.getHeader("request-id"), response.getHeader("x-request-id"));
    String contentType = response.getHeader("content-type");
    eventStream = contentType != null && contentType.startsWith("text/event-stream");
    tap = UsageTaps.create(endpoint.tapKind, eventStream);
    out.setStatusCode(response.statusCode());
    if (response.statusMessage() != null) {
      out.setStatusMessage(response.statusMessage());
    }
    Hop.copy(response.headers(), out.headers());
    AbgHeaders.put(out, standing);
    String length = response.getHeader("content-length");
    if (length != null && !eventStream) {
      out.putHeader("content-length", length);
    } else {
      out.setChunked(true);
    }
    response.handler(this::onChunk);
    response.exceptionHandler(this::upstreamBroke);
    response.endHandler(v -> finish(new Ending.Completed()));
    lastUpstreamData = System.nanoTime();
    armIdleTimer(upstream.idleTimeout().toMillis());
  }

  /**
   * Ends a response whose upstream stays silent for longer than {@code upstream_idle_timeout_s} while it streams, as a
   * broken upstream: the agent gets the provider's error, the ledger what was consumed.
   */
  private void armIdleTimer(long delayMs) {
    idleTimer = context.owner().setTimer(Math.max(1, delayMs), id -> {
      idleTimer = -1;
      if (finishing) {
        return;
      }
      long idleMs = upstream.idleTimeout().toMillis();
      long silentMs = (System.nanoTime() - lastUpstreamData) / 1_000_000;
      if (paused || silentMs < idleMs) {
        armIdleTimer(paused ? idleMs : idleMs - silentMs);
        return;
      }
      upstreamBroke(new java.util.concurrent.TimeoutException("no data for " + silentMs + " ms mid-response"));
      upstreamRequest.reset();                    // after: the reset's own exception finds the exchange finishing
    });
  }

  private void cancelIdleTimer() {
    if (idleTimer >= 0) {
      context.owner().cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private void onChunk(Buffer chunk) {
    if (finishing) {
      return;
    }
    lastUpstreamData = System.nanoTime();
    TapSnapshot before = eventStream ? tap.snapshot() : null;
    tap.feed(chunk);
    meter();
    if (finishing) {
      // this chunk reached the cap and is not forwarded: billed is what the upstream reported, or else what passed before it
      if (before != null && !tap.snapshot().usageReported()) {
        passed = before;
      }
      return;
    }
    if (eventStream) {
      forwardWholeEvents(chunk);
    } else {
      if (held != null) {
        forward(held);
      }
      held = chunk.copy();
    }
  }

  /**
   * Sends every complete event and holds back only the start of an event the upstream has not finished sending, so that
   * a mid-stream block is never glued onto half an event. An event larger than {@code max_event_mb} ends the stream with
   * the provider's mid-stream error.
   */
  private void forwardWholeEvents(Buffer chunk) {
    int end = lastEventEnd(chunk, partial);
    if (end < 0) {
      partial.add(chunk);
      partialBytes += chunk.length();
      if (partialBytes > upstream.maxEventBytes()) {
        eventTooLarge();
      }
      return;
    }
    for (Buffer part : partial) {
      send(part, part.length());
    }
    partial.clear();
    partialBytes = 0;
    send(chunk, end);
    if (end < chunk.length()) {
      Buffer rest = chunk.getBuffer(end, chunk.length());
      partial.add(rest);
      partialBytes = rest.length();
    }
  }

  private void eventTooLarge() {
    partial.clear();
    partialBytes = 0;
    upstreamBroke(new IllegalStateException("an event of the response is larger than max_event_mb (" + upstream.maxEventBytes() / (1024 * 1024)
        + " MB); raise max_event_mb in agentbillguard.yaml if needed"));
    upstreamRequest.reset();                    // after: the reset's own exception finds the exchange finishing
  }

  /**
   * Queues {@code data[0, end)} for the agent. An upstream usually sends each event as its own HTTP chunk, and one read
   * from its socket can hold many of them; writing each one to the agent on its own costs a flush (a system call) per
   * event. So the events of one read are collected and written with one flush by a task that the event loop runs right
   * after it has handled that read, before it waits for any more data: nothing is ever held for a later read. The first
   * events of a response are the exception: they go out at once, with the head, so that the time to the first byte does
   * not include reading (and metering) the rest of that read.
   */
  private void send(Buffer data, int end) {
    if (!out.headWritten()) {
      forward(end == data.length() ? data : data.getBuffer(0, end));
      return;
    }
    if (unsent == null) {
      unsent = Buffer.buffer(end);
      context.runOnContext(v -> writeUnsent());
    }
    unsent.appendBuffer(data, 0, end);
  }

  /** Writes the queued events, if any, unless the agent has gone or the response has ended. */
  private void writeUnsent() {
    Buffer events = unsent;
    unsent = null;
    if (events != null && !out.ended() && !out.closed()) {
      forward(events);
    }
  }

  /** The index just after the last blank line (an SSE event's end: LF LF, CR LF CR LF or CR CR), or 0. */
  static int lastEventEnd(Buffer data) {
    return Math.max(0, lastEventEnd(data, java.util.List.of()));
  }

  /**
   * The index in {@code chunk} just after its last event end, or -1: scans the chunk only, looking back into the last
   * bytes of the unfinished event before it ({@code before}) for an end that straddles them.
   */
  static int lastEventEnd(Buffer chunk, java.util.List<Buffer> before) {
    for (int i = chunk.length() - 1; i >= 0; i--) {
      byte b = chunk.getByte(i);
      if (b == '\n') {
        byte p = at(chunk, i - 1, before);
        if (p == '\n' || (p == '\r' && at(chunk, i - 2, before) == '\n')) {
          return i + 1;
        }
      } else if (b == '\r' && at(chunk, i - 1, before) == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** The byte at {@code i} of the chunk, or for a negative {@code i} the |i|th byte from the end of {@code before}. */
  private static byte at(Buffer chunk, int i, java.util.List<Buffer> before) {
    if (i >= 0) {
      return chunk.getByte(i);
    }
    int back = -i;
    for (int k = before.size() - 1; k >= 0; k--) {
      Buffer part = before.get(k);
      if (back <= part.length()) {
        return part.getByte(part.length() - back);
      }
      back -= part.length();
    }
    return 0;
  }

  private void forward(Buffer chunk) {
    out.write(chunk);
    if (out.writeQueueFull()) {
      upstreamResponse.pause();
      paused = true;
      out.drainHandler(v -> {
        paused = false;
        lastUpstreamData = System.nanoTime();
        upstreamResponse.resume();
      });
    }
  }

  /** Counts what the stream has consumed so far against the session: reported usage, else the least it can be. */
  private void meter() {
    TapSnapshot s = tap.snapshot();
    Usage now = BilledUsage.live(s, endpoint.provider, inputTokens);
    if (!now.equals(metered)) {
      metered = now;
      spend.meter(reservation, modelOf(s), now);
    }
  }

  /**
   * The one place an exchange ends: it stops forwarding, stops the upstream when the ending asks for it, settles the
   * request exactly once, and answers the agent once the row has committed. A cut-off that comes after the upstream's
   * final usage is ignored: the answer is complete and paid for, and ends normally.
   */
  private void finish(Ending ending) {
    if (finishing || (ending instanceof Ending.CutOff && tap != null && tap.snapshot().usageReported())) {
      return;
    }
    writeUnsent();
    finishing = true;
    if (ending.stopsUpstream() && upstreamRequest != null) {
      upstreamRequest.reset();
    }
    if (tap != null) {
      tap.end();
    }
    if (ending instanceof Ending.NoResponse none) {
      timedOut = none.failure().kind == ProxyFailure.Kind.UPSTREAM_TIMEOUT;
    }
    Log.debugf("request of session %s ends: %s", standing.sessionId(), ending);
    java.util.concurrent.CompletionStage<?> settled = settle(ending instanceof Ending.CutOff);
    settled.whenComplete((row, err) -> context.runOnContext(v -> {
      if (!(ending instanceof Ending.ClientGone)) {
        answer(ending);
      }
      answered = true;
      shutdown.ended(this);
    }));
  }

  @Override
  public void stopForShutdown(String message) {
    context.runOnContext(v -> finish(new Ending.Shutdown(message)));
  }

  @Override
  public boolean done() {
    return answered;
  }

  /** Tells the agent how its request ended, once its row has committed. */
  private void answer(Ending ending) {
    if (ending instanceof Ending.NoResponse none) {
      AbgHeaders.put(out, standing);
      ErrorResponses.send(in, endpoint.provider, none.failure());
      return;
    }
    if (out.ended() || out.closed()) {
      return;
    }
    if (ending instanceof Ending.Completed) {
      // the held chunk goes out with the end, in one write: for a JSON body head, body and end are often one packet
      Buffer rest = held;
      held = null;
      for (Buffer part : partial) {
        out.write(part);                       // an event the upstream ended without its blank line goes out as sent
      }
      partial.clear();
      if (rest != null) {
        out.end(rest);
      } else {
        out.end();
      }
    } else if (ending instanceof Ending.CutOff cut) {
      if (!out.headWritten()) {
        held = null;
        out.headers().clear();
        AbgHeaders.put(out, standing);
        ErrorResponses.send(in, endpoint.provider, ProxyFailure.budget(cut.message()));
      } else if (eventStream) {
        out.write(midStreamEvent("billing_error", cut.message()));
        out.end();
      } else {
        out.reset();
      }
    } else if (ending instanceof Ending.Shutdown stop) {
      if (!out.headWritten()) {
        held = null;
        out.headers().clear();
        out.putHeader("connection", "close");
        ErrorResponses.send(in, endpoint.provider, new ProxyFailure(ProxyFailure.Kind.SHUTTING_DOWN, "abg: " + stop.message()));
      } else if (eventStream) {
        out.write(midStreamEvent("overloaded_error", "abg: " + stop.message()));
        out.end();
      } else {
        out.reset();
      }
    } else if (ending instanceof Ending.UpstreamBroke broke) {
      if (eventStream) {
        out.write(midStreamEvent("api_error", broke.failure().getMessage()));
        out.end();
      } else {
        out.reset();
      }
    }
  }

  /** The upstream connection broke or went silent after the response started. */
  private void upstreamBroke(Throwable cause) {
    if (!finishing) {
      finish(new Ending.UpstreamBroke(ProxyFailure.upstream(cause, upstream.base(endpoint.provider).toString())));
    }
  }

  /** The provider's mid-stream error event: Anthropic's {@code event: error} of {@code anthropicType}, OpenAI's failed response or chunk. */
  private Buffer midStreamEvent(String anthropicType, String message) {
    if (endpoint.provider == Provider.ANTHROPIC) {
      return ErrorResponses.anthropicErrorEvent(anthropicType, message);
    }
    return endpoint == Endpoint.OPENAI_RESPONSES
        ? ErrorResponses.openAiFailedEvent(tap.snapshot().responseId(), message)
        : ErrorResponses.openAiChatErrorChunk(message);
  }

  /** No response arrived: the upstream could not be reached, timed out, or the agent left first. */
  private void failBeforeResponse(Throwable cause) {
    if (!finishing) {
      finish(new Ending.NoResponse(ProxyFailure.upstream(cause, upstream.base(endpoint.provider).toString())));
    }
  }

  private java.util.concurrent.CompletionStage<?> settle(boolean cutOff) {
    cancelIdleTimer();
    TapSnapshot s = passed != null ? passed : tap == null ? null : tap.snapshot();
    BilledUsage.Billed billed = BilledUsage.settled(s, upstreamStatus, upstreamRequest != null && timedOut, inputTokens);
    Outcome outcome = new Outcome(s == null ? null : modelOf(s), billed.usage(), billed.source(), upstreamStatus, requestId, cutOff, clock.instant());
    return spend.settle(reservation, outcome).whenComplete((row, err) -> {
      if (err != null) {
        Log.errorf("[abg] LEDGER the row of a %s request of session %s was not committed: %s", endpoint.provider.wireName(), standing.sessionId(),
            err.getMessage());
      }
    });
  }

  private String modelOf(TapSnapshot s) {
    return s.model() != null && !s.model().isBlank() ? s.model() : call.facts().model();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
