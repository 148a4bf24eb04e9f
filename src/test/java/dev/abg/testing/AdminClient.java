package dev.abg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.vertx.core.json.JsonObject;

/** The admin API of a running proxy with its bearer token, and agent-shaped requests through its proxy route, for the tests. */
public final class AdminClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String token;

  public AdminClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  public HttpResponse<String> call(String method, String path, String jsonBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b);
  }

  /** The JSON of a call that must answer 2xx. */
  public JsonObject json(String method, String path, String jsonBody) {
    HttpResponse<String> r = call(method, path, jsonBody);
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  public JsonObject session(String id) {
    return json("GET", "/abg/sessions/" + id, null);
  }

  /** {@code POST /abg/sessions} with an id, a cap and a label (null leaves either out). */
  public JsonObject createSession(String id, String capUsd, String label) {
    JsonObject body = new JsonObject().put("id", id);
    if (label != null) {
      body.put("label", label);
    }
    String text = body.encode();
    if (capUsd != null) {
      text = text.substring(0, text.length() - 1) + ",\"cap_usd\":" + capUsd + "}";
    }
    return json("POST", "/abg/sessions", text);
  }

  /** A non-streamed Claude Code-shaped {@code POST /s/{session}/v1/messages}; returns the status. */
  public int claudeRequest(String session, String model) {
    return send(AgentRequest.claudeCode(model).sessionInPath(session).http(baseUrl)).statusCode();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
