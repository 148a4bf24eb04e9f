package dev.abg.proxy;

import java.net.URI;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import dev.abg.config.AbgConfig;
import dev.abg.spend.Provider;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The connection to the upstream APIs: one Vert.x HTTP client with a keep-alive pool, explicit connect and idle
 * timeouts from the config, and no decompression (bytes pass through as the upstream sent them).
 */
@Singleton
class UpstreamClient {

  private final HttpClient client;
  private final AbgConfig config;

  UpstreamClient(Vertx vertx, AbgConfig config) {
    this.config = config;
    var options = new io.vertx.core.http.HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(60)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setTryUseCompression(false)
        .setConnectTimeout((int) config.limits().connectTimeout().toMillis())
        .setForceSni(true)
        .setVerifyHost(true);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
  }

  /** {@code upstream_idle_timeout_s}: the longest silence of an upstream, also while its response streams. */
  /** {@code max_event_mb}: the largest single event a streamed response may send. */
  long maxEventBytes() {
    return config.limits().maxEventBytes();
  }

  java.time.Duration idleTimeout() {
    return config.limits().idleTimeout();
  }

  URI base(Provider provider) {
    return provider == Provider.ANTHROPIC ? config.upstreamAnthropic() : config.upstreamOpenai();
  }

  /**
   * Opens a request to the upstream with the client's end-to-end headers.
   *
   * @param identity ask for an uncompressed body (billed routes, so that the tap can read usage)
   */
  Future<HttpClientRequest> open(HttpServerRequest in, Provider provider, String pathAndQuery, boolean identity) {
    URI base = base(provider);
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Hop.copy(in.headers(), headers);
    if (identity) {
      headers.set("accept-encoding", "identity");
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(in.method().name()))
        .setHost(base.getHost())
        .setPort(port)
        .setSsl(tls)
        .setURI(basePath + pathAndQuery)
        .setHeaders(headers)
        .setConnectTimeout(config.limits().connectTimeout().toMillis())
        .setIdleTimeout(config.limits().idleTimeout().toMillis());
    headers.set("host", base.getPort() > 0 ? base.getHost() + ":" + base.getPort() : base.getHost());
    return client.request(options);
  }

  /** The fields Anthropic's count_tokens accepts; the rest of a Messages body (max_tokens, stream, metadata…) is dropped. */
  private static final java.util.Set<String> COUNT_FIELDS = java.util.Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
      "mcp_servers");
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Asks Anthropic's free {@code count_tokens} endpoint for the exact input tokens of a Messages request, with the
   * agent's own credentials and headers. Fails on any answer but a count, and after the connect timeout or 10 s.
   */
  Future<Long> countTokens(HttpServerRequest in, Buffer messagesBody) {
    Buffer body;
    try {
      var root = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(RequestFacts.parser(MAPPER.getFactory(), messagesBody));
      root.retain(COUNT_FIELDS);
      body = Buffer.buffer(MAPPER.writeValueAsBytes(root));
    } catch (java.io.IOException | ClassCastException e) {
      return Future.failedFuture(e);
    }
    return open(in, Provider.ANTHROPIC, "/v1/messages/count_tokens", true)
        .compose(request -> {
          request.idleTimeout(10_000);
          return request.send(body);
        })
        .compose(response -> response.body().map(b -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("count_tokens answered " + response.statusCode());
          }
          return new io.vertx.core.json.JsonObject(b).getLong("input_tokens");
        }))
        .compose(tokens -> tokens == null || tokens < 0 ? Future.failedFuture("count_tokens gave no input_tokens") : Future.succeededFuture(tokens));
  }

  @PreDestroy
  void close() {
    client.close();
  }
}
