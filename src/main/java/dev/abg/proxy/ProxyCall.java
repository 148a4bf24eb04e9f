package dev.abg.proxy;

import java.time.Instant;

import dev.abg.spend.Admission;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One billed request as it goes through the proxy: what the agent sent, what was read of it, and who it belongs to.
 * Made once the body is read and attributed, then carried through every step to its ending, as vertx-http-proxy's
 * {@code ProxyContext} is.
 *
 * @param body    the body as the agent sent it
 * @param toSend  the body as it goes upstream (a streamed Chat request gains {@code stream_options.include_usage})
 * @param who     the session, sub-agent and client the request counts for
 */
record ProxyCall(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body, Buffer toSend, RequestFacts facts, Attribution.Attributed who) {

  static ProxyCall of(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Buffer body, RequestFacts facts, Attribution.Attributed who) {
    Buffer toSend = endpoint == Endpoint.OPENAI_CHAT && facts.stream() && !facts.includeUsage() ? RequestFacts.withIncludeUsage(body) : body;
    return new ProxyCall(in, endpoint, path, body, toSend, facts, who);
  }

  String session() {
    return who.session();
  }

  /**
   * The request's input, before the upstream reports it.
   *
   * @param tokens      counted upstream near the cap, else estimated from the body's size
   * @param leastTokens the least the input can be (what admission reserves for)
   * @param counted     {@code tokens} was counted exactly
   */
  record Input(long tokens, long leastTokens, boolean counted) {

    static Input estimated(Buffer body) {
      return new Input(InputEstimate.tokens(body.length()), InputEstimate.leastTokens(body.length()), false);
    }

    static Input counted(long tokens) {
      return new Input(tokens, tokens, true);
    }
  }

  /** What the spend side is asked to admit. */
  Admission admission(Input input, Instant startedAt) {
    return new Admission(who.session(), who.agentId(), who.client(), endpoint.provider, path.apiPath(), facts.model(), startedAt, input.leastTokens(),
        input.counted(), InputEstimate.fingerprint(body));
  }
}
