package dev.abg.edge;

import io.vertx.core.http.HttpServerRequest;

/**
 * A route family that answers the edge's refusals in its own error shape (the proxy: each provider's error JSON, which
 * the agents show). A bean implementing it is found by the {@link EdgeGuard}; paths no shape claims get
 * {@code application/problem+json}.
 */
public interface RefusalShape {

  /** Whether the request's path belongs to this route family. */
  boolean claims(String path);

  /** Answers the refusal (status, headers and body), ending the response. */
  void send(HttpServerRequest request, Refusal refusal);
}
