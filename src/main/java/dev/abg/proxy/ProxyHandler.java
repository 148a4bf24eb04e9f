package dev.abg.proxy;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import dev.abg.proxy.bytes.NettyBytes;
import dev.abg.spend.Admission;
import dev.abg.spend.BudgetDecision;
import dev.abg.spend.Outcome;
import dev.abg.spend.Provider;
import dev.abg.spend.SpendService;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where every proxied request goes: path → route → (billed) body facts → attribution → admission → upstream, or a
 * provider-shaped answer when anything refuses it. A billed request becomes a {@link ProxyCall} once its body is read;
 * every refusal on the way is a {@link ProxyFailure}, answered in one place ({@link #refuse}). Runs on the event loop and
 * never blocks.
 */
@Singleton
class ProxyHandler {

  private final SpendService spend;
  private final UpstreamClient upstream;
  private final Attribution attribution;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final long maxBodyBytes;
  private final BodyBudget budget;
  /** How long a request waits for room in the body budget before it is refused. */
  static final long BUDGET_WAIT_MS = 2_000;

  private final ProxyShutdown shutdown;

  ProxyHandler(SpendService spend, UpstreamClient upstream, Attribution attribution, ProxyMetrics metrics, Clock clock, AbgConfig config,
               ProxyShutdown shutdown) {
    this.shutdown = shutdown;
    this.metrics = metrics;
    this.spend = spend;
    this.upstream = upstream;
    this.attribution = attribution;
    this.clock = clock;
    this.maxBodyBytes = config.limits().maxBodyBytes();
    this.budget = new BodyBudget(config.limits().maxBufferedBodyBytes());
    metrics.bodyBudget(budget::held);
  }

  /** The provider whose error shape a request gets before its route is known: Anthropic's headers say Anthropic. */
  static Provider providerByHeaders(HttpServerRequest in) {
    return in.headers().contains("anthropic-version") || in.headers().contains("x-api-key") ? Provider.ANTHROPIC : Provider.OPENAI;
  }

  void handle(HttpServerRequest in) {
    Provider provider = providerByHeaders(in);
    if (shutdown.stopping()) {
      in.response().putHeader("connection", "close");
      refuse(in, provider, new ProxyFailure(ProxyFailure.Kind.SHUTTING_DOWN, "abg is shutting down (restart or stop of the proxy); retry the request"));
      return;
    }
    try {
      ProxyPath path = ProxyPath.parse(in.uri());
      if (path.session() != null) {
        SessionResolver.validated(path.session(), "the /s/{session} path prefix");
      }
      boolean websocket = "websocket".equalsIgnoreCase(in.getHeader("upgrade"));
      Endpoint endpoint = Endpoint.of(in.method().name(), path.apiPath(), path.prefix(), provider == Provider.ANTHROPIC, websocket);
      provider = endpoint.provider;
      if (endpoint == Endpoint.OPENAI_RESPONSES_WEBSOCKET) {
        in.response().setStatusCode(426).putHeader("content-type", "text/plain; charset=utf-8")
            .end("abg: the Responses API over WebSocket is not proxied; use HTTP POST /v1/responses");
        return;
      }
      if (!endpoint.billed()) {
        PassThrough.forward(in, endpoint, path, spend.standing(attribution.passThroughSession(path, in.headers())), upstream);
        return;
      }
      readBody(in).onComplete(read -> {
        if (read.failed()) {
          ProxyFailure failure = read.cause() instanceof ProxyFailure f ? f : ProxyFailure.badRequest("abg: the request body could not be read");
          if (failure.kind == ProxyFailure.Kind.TOO_LARGE || failure.kind == ProxyFailure.Kind.BUSY) {
            // the rest of the upload is not read: say so, and end the connection once the answer is out
            in.response().putHeader("connection", "close");
          }
          refuse(in, endpoint.provider, failure);
          return;
        }
        guarded(in, endpoint.provider, () -> attribute(in, endpoint, path, read.result()));
      });
    } catch (ProxyFailure failure) {
      refuse(in, provider, failure);
    }
  }

  private void attribute(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body) {
    spend.ledgerProblem().ifPresent(problem -> {
      throw ProxyFailure.ledgerUnwritable(problem);
    });
    RequestFacts facts = RequestFacts.parse(body);
    attribution.billed(path, in.headers(), facts)
        .onSuccess(who -> guarded(in, endpoint.provider, () -> count(ProxyCall.of(in, endpoint, path, body, facts, who))));
  }

  /**
   * Near the cap, an Anthropic request's input is counted exactly first (the upstream's count_tokens is free), so that a
   * request that cannot fit is blocked before the upstream bills anything; elsewhere its size gives an estimate.
   */
  private void count(ProxyCall call) {
    ProxyCall.Input estimated = ProxyCall.Input.estimated(call.body());
    boolean nearCap = spend.nearCap(call.session(), call.endpoint().provider, call.facts().model(), estimated.tokens() * 4);
    if (!nearCap || call.endpoint() != Endpoint.ANTHROPIC_MESSAGES) {
      admit(call, estimated);
      return;
    }
    upstream.countTokens(call.in(), call.body()).onComplete(counted -> guarded(call.in(), call.endpoint().provider, () -> {
      if (counted.succeeded()) {
        admit(call, ProxyCall.Input.counted(counted.result()));
      } else {
        Log.debugf("count_tokens failed for session %s, estimating: %s", call.session(), counted.cause().getMessage());
        admit(call, estimated);
      }
    }));
  }

  private void admit(ProxyCall call, ProxyCall.Input input) {
    Admission admission = call.admission(input, clock.instant());
    CompletableFuture<BudgetDecision> decided = spend.admit(admission).toCompletableFuture();
    if (decided.isDone() && !decided.isCompletedExceptionally()) {
      // one instance: decided at once, on this event loop
      proceed(call, input, admission, decided.join());
      return;
    }
    // team mode: the shared ledger answers on its own thread; carry on on this request's event loop
    Context context = Vertx.currentContext();
    decided.whenComplete((decision, failure) -> context.runOnContext(v -> guarded(call.in(), call.endpoint().provider, () -> {
      if (failure != null) {
        Log.warnf("[abg] no budget decision for session %s: %s", call.session(), failure.getMessage());
        throw ProxyFailure.ledgerUnavailable(failure);
      }
      proceed(call, input, admission, decision);
    })));
  }

  private void proceed(ProxyCall call, ProxyCall.Input input, Admission admission, BudgetDecision decision) {
    if (decision instanceof BudgetDecision.Denied denied) {
      // like every answer, the block is sent once its ledger row has committed
      Context context = Vertx.currentContext();
      spend.recordBlock(admission, denied).whenComplete((row, err) -> context.runOnContext(v -> {
        AbgHeaders.put(call.in().response(), denied.standing());
        refuse(call.in(), call.endpoint().provider, ProxyFailure.budget(denied.message()));
      }));
      return;
    }
    BudgetDecision.Granted granted = (BudgetDecision.Granted) decision;
    try {
      new BilledExchange(call, input.tokens(), granted, spend, upstream, clock, metrics, shutdown).start();
    } catch (RuntimeException e) {
      // nothing was sent: release the reservation so that it cannot block the session
      spend.settle(granted.reservation(), new Outcome(call.facts().model(), Usage.NONE, UsageSource.REPORTED, null, null, false, clock.instant()));
      throw e;
    }
  }

  /** Runs a step of a request; a refusal it throws is answered in the provider's shape. */
  private static void guarded(HttpServerRequest in, Provider provider, Runnable step) {
    try {
      step.run();
    } catch (ProxyFailure failure) {
      refuse(in, provider, failure);
    }
  }

  /** The one place a refused request is answered: the provider's error shape and the status the failure carries. */
  private static void refuse(HttpServerRequest in, Provider provider, ProxyFailure failure) {
    ErrorResponses.send(in, provider, failure);
  }

  /**
   * Reads a billed request's body, refusing more than {@code max_body_mb} with 413 before buffering it, within the body
   * budget ({@code max_buffered_body_mb}, across requests): past it, the reading waits up to {@value #BUDGET_WAIT_MS} ms
   * for room, then the request gets a 503 with {@code retry-after}. The body counts until its response has ended.
   */
  private Future<Buffer> readBody(HttpServerRequest in) {
    Promise<Buffer> promise = Promise.promise();
    String declared = in.getHeader("content-length");
    long length = declared == null ? -1 : parseLength(declared);
    if (length > maxBodyBytes) {
      promise.fail(tooLarge());
      return promise.future();
    }
    in.pause();      // nothing is read before the budget has room for it
    BodyBudget.Share share = budget.share();
    in.response().endHandler(v -> share.release());
    in.connection().closeHandler(v -> share.release());
    promise.future().onFailure(e -> share.release());
    // the chunks as Vert.x hands them over (its own copies, ours to keep), joined without copying them again: a copy of
    // each body into one buffer was a fifth of the proxy's allocation (docs/benchmarks/profiles.md item 11)
    io.netty.buffer.CompositeByteBuf chunks = io.netty.buffer.Unpooled.compositeBuffer(MAX_CHUNKS);
    in.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (chunks.readableBytes() + chunk.length() > maxBodyBytes) {
        promise.tryFail(tooLarge());
        return;
      }
      chunks.addComponent(true, NettyBytes.of(chunk));
      if (length < 0 && !share.grow(chunk.length())) {
        // a chunked body of unknown size: this chunk is read already; the rest waits for room
        in.pause();
        awaitRoom(share, chunk.length(), System.nanoTime(), promise, in::resume);
      }
    });
    in.exceptionHandler(promise::tryFail);
    in.endHandler(v -> promise.tryComplete(NettyBytes.wrap(chunks)));
    if (length > 0 && !share.grow(length)) {
      awaitRoom(share, length, System.nanoTime(), promise, in::resume);
    } else {
      in.resume();
    }
    return promise.future();
  }

  /** Retries taking {@code bytes} of the budget every 20 ms; after {@value #BUDGET_WAIT_MS} ms, refuses the request. */
  private void awaitRoom(BodyBudget.Share share, long bytes, long since, Promise<Buffer> promise, Runnable then) {
    Vertx.currentContext().owner().setTimer(20, id -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (share.grow(bytes)) {
        then.run();
      } else if (System.nanoTime() - since > BUDGET_WAIT_MS * 1_000_000) {
        promise.tryFail(new ProxyFailure(ProxyFailure.Kind.BUSY, "abg: the request bodies held in memory are at max_buffered_body_mb ("
            + budget.maxBytes() / (1024 * 1024) + " MB); try again shortly, or raise max_buffered_body_mb (and the heap) in agentbillguard.yaml"));
      } else {
        awaitRoom(share, bytes, since, promise, then);
      }
    });
  }

  /** Past this many chunks Netty joins them into one (a copy); a 32 MB body arrives in about 500. */
  private static final int MAX_CHUNKS = 4096;

  private ProxyFailure tooLarge() {
    return new ProxyFailure(ProxyFailure.Kind.TOO_LARGE,
        "abg: the request body is larger than max_body_mb (" + (maxBodyBytes / (1024 * 1024)) + " MB); raise max_body_mb in agentbillguard.yaml if needed");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw ProxyFailure.badRequest("abg: bad content-length header");
    }
  }
}
