package dev.abg.proxy;

import java.time.Clock;

import dev.abg.proxy.tap.TapSnapshot;
import dev.abg.proxy.tap.UsageTap;
import dev.abg.proxy.tap.UsageTaps;
import dev.abg.spend.LedgerRow;
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
 * upstream's end, on an upstream failure, or when the agent goes away (then the upstream connection is closed too).
 *
 * <p>The end of the response is released only after the ledger row has committed, so a client that received a complete
 * response can count on its row. A streamed response is never held back: each complete event goes out in the same turn
 * of the event loop that read it (events read together are written together, with one flush); for a plain JSON body the
 * last chunk waits for the commit.
 */
final class BilledExchange {

  private final HttpServerRequest in;
  private final HttpServerResponse out;
  private final Endpoint endpoint;
  private final RequestFacts facts;
  /** The request's input tokens: counted upstream near the cap, else estimated from its size. */
  private final long inputTokens;
  private final Reservation reservation;
  private final Standing standing;
  private final SpendService spend;
  private final UpstreamClient upstream;
  private final Clock clock;
  private final ProxyMetrics metrics;
  private final Context context;
  private long sentNanos;

  private HttpClientRequest upstreamRequest;
  private HttpClientResponse upstreamResponse;
  private UsageTap tap;
  private boolean eventStream;
  private Usage metered = Usage.NONE;
  /** What is not forwarded yet: the last chunk of a JSON body (until its row commits), or an unfinished SSE event. */
  private Buffer held;
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

  BilledExchange(HttpServerRequest in, Endpoint endpoint, RequestFacts facts, long inputTokens, Reservation reservation, Standing standing,
                 SpendService spend, UpstreamClient upstream, Clock clock, ProxyMetrics metrics) {
    this.in = in;
    this.out = in.response();
    this.endpoint = endpoint;
    this.facts = facts;
    this.inputTokens = inputTokens;
    this.reservation = reservation;
    this.standing = standing;
    this.spend = spend;
    this.upstream = upstream;
    this.clock = clock;
    this.metrics = metrics;
    this.context = Vertx.currentContext();
  }

  void start(String pathAndQuery, Buffer body) {
    out.closeHandler(v -> clientGone());
    if (out.closed()) {
      // the agent left while abg was counting tokens or waiting: buy nothing
      clientGone();
      return;
    }
    reservation.onCutOff(message -> {
      if (Vertx.currentContext() == context) {
        cutOff(message);
      } else {
        context.runOnContext(v -> cutOff(message));
      }
    });
    upstream.open(in, endpoint.provider, pathAndQuery, true).onComplete(opened -> {
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
      upstreamRequest.send(body).onComplete(sent -> {
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
    response.exceptionHandler(this::onUpstreamBroke);
    response.endHandler(v -> onUpstreamEnd());
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
      onUpstreamBroke(new java.util.concurrent.TimeoutException("no data for " + silentMs + " ms mid-response"));
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
    tap.feed(chunk);
    meter();
    if (finishing) {
      return; // this chunk reached the cap: it is billed, the stream ends with the block
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
   * a mid-stream block is never glued onto half an event.
   */
  private void forwardWholeEvents(Buffer chunk) {
    Buffer data = held == null ? chunk : held.appendBuffer(chunk);
    int end = lastEventEnd(data);
    if (end > 0) {
      send(data, end);
    }
    held = end == data.length() ? null : data.getBuffer(end, data.length());
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
    for (int i = data.length() - 1; i >= 1; i--) {
      byte b = data.getByte(i);
      if (b == '\n' && (data.getByte(i - 1) == '\n' || (i >= 3 && data.getByte(i - 1) == '\r' && data.getByte(i - 2) == '\n'))) {
        return i + 1;
      }
      if (b == '\r' && data.getByte(i - 1) == '\r') {
        return i + 1;
      }
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
    Usage now = liveUsage(s);
    if (!now.equals(metered)) {
      metered = now;
      spend.meter(reservation, modelOf(s), now);
    }
  }

  /**
   * Usage as far as the stream has shown it: the upstream's numbers when reported; output estimated from the text that
   * passed; input, until reported (Anthropic's message_start, OpenAI's final event), at its least (all cache reads).
   */
  private Usage liveUsage(TapSnapshot s) {
    Usage u = s.usageWithEstimate();
    if (s.inputReported() || s.usageReported()) {
      return u;
    }
    return endpoint.provider == Provider.ANTHROPIC
        ? Usage.anthropic(0, 0, 0, inputTokens, u.outputTokens())
        : Usage.openAi(inputTokens, inputTokens, 0, u.outputTokens(), 0);
  }

  /**
   * The session (or the day) reached its cap while this request was in flight: stop the upstream, tell the agent with
   * the provider's mid-stream block (or the normal block when nothing was sent yet), and record what was consumed as
   * {@code cutoff}. The agent's next request — Claude Code's non-streaming retry included — gets the normal block.
   */
  private void cutOff(String message) {
    if (finishing || (tap != null && tap.snapshot().usageReported())) {
      return; // the upstream has already reported its final usage: the answer is complete and paid for, let it end
    }
    writeUnsent();
    finishing = true;
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    if (tap != null) {
      tap.end();
    }
    Log.debugf("cutting off a request of session %s", standing.sessionId());
    settle(true).whenComplete((row, err) -> context.runOnContext(v -> {
      if (out.ended() || out.closed()) {
        return;
      }
      if (!out.headWritten()) {
        held = null;
        out.headers().clear();
        AbgHeaders.put(out, standing);
        ErrorResponses.send(in, endpoint.provider, ProxyFailure.budget(message));
      } else if (eventStream) {
        out.write(midStreamBlock(message));
        out.end();
      } else {
        out.reset();
      }
    }));
  }

  private Buffer midStreamBlock(String message) {
    if (endpoint.provider == Provider.ANTHROPIC) {
      return ErrorResponses.anthropicErrorEvent("billing_error", message);
    }
    return endpoint == Endpoint.OPENAI_RESPONSES
        ? ErrorResponses.openAiFailedEvent(tap.snapshot().responseId(), message)
        : ErrorResponses.openAiChatErrorChunk(message);
  }

  private void onUpstreamEnd() {
    if (finishing) {
      return;
    }
    writeUnsent();
    finishing = true;
    tap.end();
    settle(false).whenComplete((row, err) -> context.runOnContext(v -> {
      Buffer rest = held;
      held = null;
      if (out.ended() || out.closed()) {
        return;
      }
      // the held chunk goes out with the end, in one write: for a JSON body head, body and end are often one packet
      if (rest != null) {
        out.end(rest);
      } else {
        out.end();
      }
    }));
  }

  /** The upstream connection broke or went silent after the response started. */
  private void onUpstreamBroke(Throwable cause) {
    if (finishing) {
      return;
    }
    writeUnsent();
    finishing = true;
    tap.end();
    Log.debugf("upstream broke mid-response for session %s: %s", standing.sessionId(), cause.toString());
    ProxyFailure failure = ProxyFailure.upstream(cause, upstream.base(endpoint.provider).toString());
    settle(false).whenComplete((row, err) -> context.runOnContext(v -> {
      if (out.ended() || out.closed()) {
        return;
      }
      if (eventStream) {
        out.write(midStreamError(failure.getMessage()));
        out.end();
      } else {
        out.reset();
      }
    }));
  }

  private Buffer midStreamError(String message) {
    if (endpoint.provider == Provider.ANTHROPIC) {
      return ErrorResponses.anthropicErrorEvent("api_error", message);
    }
    return endpoint == Endpoint.OPENAI_RESPONSES
        ? ErrorResponses.openAiFailedEvent(tap.snapshot().responseId(), message)
        : ErrorResponses.openAiChatErrorChunk(message);
  }

  /** No response arrived: the upstream could not be reached, timed out, or the agent left first. */
  private void failBeforeResponse(Throwable cause) {
    if (finishing) {
      return;
    }
    finishing = true;
    ProxyFailure failure = ProxyFailure.upstream(cause, upstream.base(endpoint.provider).toString());
    timedOut = failure.kind == ProxyFailure.Kind.UPSTREAM_TIMEOUT;
    Log.debugf("no upstream response for session %s: %s", standing.sessionId(), failure.getMessage());
    settle(false).whenComplete((row, err) -> context.runOnContext(v -> {
      AbgHeaders.put(out, standing);
      ErrorResponses.send(in, endpoint.provider, failure);
    }));
  }

  /** The agent closed the connection before the response ended: stop the upstream and bill what was consumed. */
  private void clientGone() {
    if (finishing) {
      return;
    }
    finishing = true;
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    if (tap != null) {
      tap.end();
    }
    settle(false);
  }

  private java.util.concurrent.CompletionStage<?> settle(boolean cutOff) {
    cancelIdleTimer();
    TapSnapshot s = tap == null ? null : tap.snapshot();
    Usage usage;
    LedgerRow.UsageSource source;
    if (s != null && s.usageReported()) {
      usage = s.usage();
      source = LedgerRow.UsageSource.REPORTED;
    } else if (upstreamStatus != null && upstreamStatus >= 400) {
      // an error answer: the upstream bills nothing for it
      usage = s == null ? Usage.NONE : s.usage();
      source = LedgerRow.UsageSource.REPORTED;
    } else if (s == null) {
      // nothing came back: a request that timed out may be running (and billed) upstream, so its input is billed as
      // estimated (never free); one refused or reset before any answer is recorded at $0
      boolean mayBeBilled = upstreamRequest != null && timedOut;
      usage = mayBeBilled ? new Usage(inputTokens, 0, 0, 0, 0, 0, 0) : Usage.NONE;
      source = mayBeBilled ? LedgerRow.UsageSource.ESTIMATED : LedgerRow.UsageSource.REPORTED;
    } else {
      Usage withOutput = s.usageWithEstimate();
      usage = s.inputReported() ? withOutput : new Usage(Math.max(withOutput.inputTokens(), inputTokens), withOutput.cacheWrite5mTokens(),
          withOutput.cacheWrite1hTokens(), withOutput.cacheReadTokens(), withOutput.cachedInputTokens(), withOutput.outputTokens(),
          withOutput.reasoningTokens());
      source = LedgerRow.UsageSource.ESTIMATED;
    }
    Outcome outcome = new Outcome(s == null ? null : modelOf(s), usage, source, upstreamStatus, requestId, cutOff, clock.instant());
    return spend.settle(reservation, outcome).whenComplete((row, err) -> {
      if (err != null) {
        Log.errorf("[abg] LEDGER the row of a %s request of session %s was not committed: %s", endpoint.provider.wireName(), standing.sessionId(),
            err.getMessage());
      }
    });
  }

  private String modelOf(TapSnapshot s) {
    return s.model() != null && !s.model().isBlank() ? s.model() : facts.model();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
