package dev.abg.proxy;

import dev.abg.spend.Standing;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Unbilled routes ({@code count_tokens}, models, files, …): request and response piped through, both ways streamed. */
final class PassThrough {

  private PassThrough() {
  }

  static void forward(HttpServerRequest in, Endpoint endpoint, ProxyPath path, Standing standing, UpstreamClient upstream) {
    HttpServerResponse out = in.response();
    String base = upstream.base(endpoint.provider).toString();
    upstream.open(in, endpoint.provider, path.upstreamPathAndQuery(), false).onComplete(opened -> {
      if (opened.failed()) {
        answer(in, endpoint, standing, ProxyFailure.upstream(opened.cause(), base));
        return;
      }
      var request = opened.result();
      out.closeHandler(v -> request.reset());
      request.response().onComplete(responded -> {
        if (responded.failed()) {
          answer(in, endpoint, standing, ProxyFailure.upstream(responded.cause(), base));
          return;
        }
        HttpClientResponse response = responded.result();
        out.setStatusCode(response.statusCode());
        Hop.copy(response.headers(), out.headers());
        AbgHeaders.put(out, standing);
        String length = response.getHeader("content-length");
        if (length != null) {
          out.putHeader("content-length", length);
        } else {
          out.setChunked(true);
        }
        response.pipe().endOnFailure(false).to(out).onFailure(e -> out.reset());
      });
      String length = in.getHeader("content-length");
      if (length != null) {
        request.putHeader("content-length", length);
      } else if (in.getHeader("transfer-encoding") != null) {
        request.setChunked(true);
      }
      in.pipe().endOnFailure(false).to(request).onFailure(e -> request.reset());
    });
  }

  private static void answer(HttpServerRequest in, Endpoint endpoint, Standing standing, ProxyFailure failure) {
    if (!in.response().headWritten()) {
      AbgHeaders.put(in.response(), standing);
    }
    ErrorResponses.send(in, endpoint.provider, failure);
  }
}
