package dev.abg.proxy;

import jakarta.inject.Singleton;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Who a request belongs to: its session ({@link SessionResolver}'s order, with Codex's thread-title requests given to
 * the thread they name ({@link CodexThreads})), the sub-agent that sent it and the client. The one place that decides
 * attribution; the proxy asks it once per request.
 */
@Singleton
class Attribution {

  /**
   * @param session the session the request counts against
   * @param agentId Claude Code's sub-agent id, or null for the main agent
   * @param client  claude-code, codex or other
   */
  record Attributed(String session, String agentId, String client) {
  }

  private final CodexThreads codexThreads;

  Attribution(CodexThreads codexThreads) {
    this.codexThreads = codexThreads;
  }

  /** A pass-through request's session (it has no body facts); never waits. */
  String passThroughSession(ProxyPath path, MultiMap headers) {
    return SessionResolver.resolve(path.session(), headers, null);
  }

  /**
   * A billed request's attribution. Completes at once, except for a Codex title request seen before its thread's first
   * turn, which waits (without blocking) on this request's context for up to {@link CodexThreads#WAIT}.
   *
   * @throws ProxyFailure when a session id is invalid or given twice with different values
   */
  Future<Attributed> billed(ProxyPath path, MultiMap headers, RequestFacts facts) {
    String session = SessionResolver.resolve(path.session(), headers, facts);
    String agentId = Clients.agentId(headers);
    String client = Clients.detect(headers);
    CodexThreads.TurnMetadata codex = SessionResolver.explicit(path.session(), headers) ? null : CodexThreads.metadata(headers);
    if (codex == null) {
      return Future.succeededFuture(new Attributed(session, agentId, client));
    }
    if (!codex.titleRequest()) {
      codexThreads.seen(codex.installationId(), session);
      return Future.succeededFuture(new Attributed(session, agentId, client));
    }
    Context context = Vertx.currentContext();
    Promise<Attributed> attributed = Promise.promise();
    codexThreads.titleSession(codex.installationId())
        .onSuccess(owner -> context.runOnContext(v -> attributed.complete(new Attributed(owner, agentId, client))));
    return attributed.future();
  }
}
