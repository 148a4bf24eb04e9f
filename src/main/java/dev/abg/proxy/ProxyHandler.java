package dev.abg.proxy;

import java.time.Clock;

import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import dev.abg.spend.Admission;
import dev.abg.spend.BudgetDecision;
import dev.abg.spend.Provider;
import dev.abg.spend.SpendService;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where every proxied request goes: path → route → (billed) body facts → session → admission → upstream, or a
 * provider-shaped answer when anything refuses it. Runs on the event loop and never blocks.
 */
@Singleton
class ProxyHandler {

  private final SpendService spend;
  private final UpstreamClient upstream;
  private final CodexThreads codexThreads;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final long maxBodyBytes;

  ProxyHandler(SpendService spend, UpstreamClient upstream, CodexThreads codexThreads, ProxyMetrics metrics, Clock clock, AbgConfig config) {
    this.metrics = metrics;
    this.spend = spend;
    this.upstream = upstream;
    this.codexThreads = codexThreads;
    this.clock = clock;
    this.maxBodyBytes = config.limits().maxBodyBytes();
  }

  void handle(HttpServerRequest in) {
    Provider provider = in.headers().contains("anthropic-version") || in.headers().contains("x-api-key") ? Provider.ANTHROPIC : Provider.OPENAI;
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
        String session = SessionResolver.resolve(path.session(), in.headers(), null);
        PassThrough.forward(in, endpoint, path, spend.standing(session), upstream);
        return;
      }
      Provider p = provider;
      readBody(in).onComplete(read -> {
        if (read.failed()) {
          ProxyFailure failure = read.cause() instanceof ProxyFailure f ? f : ProxyFailure.badRequest("abg: the request body could not be read");
          if (failure.kind == ProxyFailure.Kind.TOO_LARGE) {
            // the rest of the upload is not read: say so, and end the connection once the answer is out
            in.response().putHeader("connection", "close");
          }
          ErrorResponses.send(in, p, failure);
          return;
        }
        try {
          billed(in, endpoint, path, read.result());
        } catch (ProxyFailure failure) {
          ErrorResponses.send(in, p, failure);
        }
      });
    } catch (ProxyFailure failure) {
      ErrorResponses.send(in, provider, failure);
    }
  }

  private void billed(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body) {
    RequestFacts facts = RequestFacts.parse(body);
    String session = SessionResolver.resolve(path.session(), in.headers(), facts);
    CodexThreads.TurnMetadata codex = SessionResolver.explicit(path.session(), in.headers()) ? null : CodexThreads.metadata(in.headers());
    if (codex == null) {
      admit(in, endpoint, path, body, facts, session);
    } else if (!codex.titleRequest()) {
      codexThreads.seen(codex.installationId(), session);
      admit(in, endpoint, path, body, facts, session);
    } else {
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      codexThreads.titleSession(codex.installationId()).onSuccess(owner -> context.runOnContext(v -> {
        try {
          admit(in, endpoint, path, body, facts, owner);
        } catch (ProxyFailure failure) {
          ErrorResponses.send(in, endpoint.provider, failure);
        }
      }));
    }
  }

  /**
   * Near the cap, an Anthropic request's input is counted exactly first (the upstream's count_tokens is free), so that a
   * request that cannot fit is blocked before the upstream bills anything; elsewhere its size gives an estimate.
   */
  private void admit(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body, RequestFacts facts, String session) {
    long estimate = InputEstimate.tokens(body.length());
    boolean nearCap = spend.nearCap(session, endpoint.provider, facts.model(), estimate * 4);
    if (nearCap && endpoint == Endpoint.ANTHROPIC_MESSAGES) {
      upstream.countTokens(in, body).onComplete(counted -> {
        try {
          if (counted.succeeded()) {
            admitWith(in, endpoint, path, body, facts, session, counted.result(), counted.result(), true);
          } else {
            Log.debugf("count_tokens failed for session %s, estimating: %s", session, counted.cause().getMessage());
            admitWith(in, endpoint, path, body, facts, session, estimate, InputEstimate.leastTokens(body.length()), false);
          }
        } catch (ProxyFailure failure) {
          ErrorResponses.send(in, endpoint.provider, failure);
        }
      });
    } else {
      admitWith(in, endpoint, path, body, facts, session, estimate, InputEstimate.leastTokens(body.length()), false);
    }
  }

  private void admitWith(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body, RequestFacts facts, String session, long inputTokens,
                         long leastInputTokens, boolean counted) {
    Buffer toSend = endpoint == Endpoint.OPENAI_CHAT && facts.stream() && !facts.includeUsage() ? RequestFacts.withIncludeUsage(body) : body;
    Admission admission = new Admission(session, Clients.agentId(in.headers()), Clients.detect(in.headers()), endpoint.provider, path.apiPath(),
        facts.model(), clock.instant(), leastInputTokens, counted, InputEstimate.fingerprint(body));
    java.util.concurrent.CompletableFuture<BudgetDecision> decided = spend.admit(admission).toCompletableFuture();
    if (decided.isDone()) {
      // one instance: decided at once, on this event loop
      proceed(in, endpoint, path, facts, inputTokens, toSend, admission, decided.join());
      return;
    }
    // team mode: the shared ledger answers on its own thread; carry on on this request's event loop
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    decided.whenComplete((decision, failure) -> context.runOnContext(v -> {
      try {
        if (failure != null) {
          Log.warnf("[abg] no budget decision for session %s: %s", session, failure.getMessage());
          ErrorResponses.send(in, endpoint.provider, ProxyFailure.ledgerUnavailable(failure));
        } else {
          proceed(in, endpoint, path, facts, inputTokens, toSend, admission, decision);
        }
      } catch (ProxyFailure e) {
        ErrorResponses.send(in, endpoint.provider, e);
      }
    }));
  }

  private void proceed(HttpServerRequest in, Endpoint endpoint, ProxyPath path, RequestFacts facts, long inputTokens, Buffer toSend,
                       Admission admission, BudgetDecision decision) {
    if (decision instanceof BudgetDecision.Denied denied) {
      // like every answer, the block is sent once its ledger row has committed
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      spend.recordBlock(admission, denied).whenComplete((row, err) -> context.runOnContext(v -> {
        AbgHeaders.put(in.response(), denied.standing());
        ErrorResponses.send(in, endpoint.provider, ProxyFailure.budget(denied.message()));
      }));
      return;
    }
    BudgetDecision.Granted granted = (BudgetDecision.Granted) decision;
    try {
      new BilledExchange(in, endpoint, facts, inputTokens, granted.reservation(), granted.standing(), spend, upstream, clock, metrics)
          .start(path.upstreamPathAndQuery(), toSend);
    } catch (RuntimeException e) {
      // nothing was sent: release the reservation so that it cannot block the session
      spend.settle(granted.reservation(), new dev.abg.spend.Outcome(facts.model(), dev.abg.spend.Usage.NONE, dev.abg.spend.LedgerRow.UsageSource.REPORTED,
          null, null, false, clock.instant()));
      throw e;
    }
  }

  /** Reads a billed request's body, refusing more than {@code max_body_mb} with 413 before buffering it. */
  private Future<Buffer> readBody(HttpServerRequest in) {
    Promise<Buffer> promise = Promise.promise();
    String declared = in.getHeader("content-length");
    long length = declared == null ? -1 : parseLength(declared);
    if (length > maxBodyBytes) {
      promise.fail(tooLarge());
      return promise.future();
    }
    // the chunks as Vert.x hands them over (its own copies, ours to keep), joined without copying them again: a copy of
    // each body into one buffer was a fifth of the proxy's allocation (docs/benchmarks.md)
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
    });
    in.exceptionHandler(promise::tryFail);
    in.endHandler(v -> promise.tryComplete(NettyBytes.wrap(chunks)));
    in.resume();
    return promise.future();
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
