package dev.abg.admin;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A minimal Anthropic upstream for the admin tests: {@code POST /v1/messages} answers a non-streaming message that used
 * 1000 input and 1000 output tokens ($0.018 on claude-sonnet-4-6). Points {@code upstream_anthropic} at itself.
 *
 * <p>The project's full fake ({@code dev.abg.testing.FakeUpstream}) was not on this branch when the admin API was
 * built. This one is scoped to {@link AdminTokenProfile}; {@link RaiseAndResumeTests} asserts its exact usage (1000 +
 * 1000 tokens), so moving that test to the shared fake means configuring the same usage there.
 */
public class FakeAnthropic implements QuarkusTestResourceLifecycleManager {

  static final AtomicInteger MESSAGES = new AtomicInteger();
  private static final String MESSAGE = """
      {"id":"msg_admin_1","type":"message","role":"assistant","model":"claude-sonnet-4-6",
       "content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","stop_sequence":null,
       "usage":{"input_tokens":1000,"output_tokens":1000,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}""";

  private Vertx vertx;

  @Override
  public Map<String, String> start() {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
      if (request.method().name().equals("POST") && request.path().equals("/v1/messages")) {
        MESSAGES.incrementAndGet();
        request.response().putHeader("content-type", "application/json").putHeader("request-id", "req_admin_" + MESSAGES.get()).end(MESSAGE);
      } else {
        request.response().setStatusCode(404).end();
      }
    }));
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the fake Anthropic upstream did not start", e);
    }
    return Map.of("upstream_anthropic", "http://127.0.0.1:" + server.actualPort());
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
  }
}
