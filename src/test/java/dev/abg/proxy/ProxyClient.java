package dev.abg.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.abg.testing.AgentRequest;

/** A plain HTTP/1.1 client to the proxy under test, as an agent would call it; the requests themselves come from {@link AgentRequest}. */
final class ProxyClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private ProxyClient() {
  }

  static String base() {
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    return "http://127.0.0.1:" + port;
  }

  static HttpRequest.Builder post(String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return b;
  }

  static HttpResponse<String> send(AgentRequest request) {
    return send(request.http(base()));
  }

  static HttpResponse<InputStream> open(AgentRequest request) {
    return open(request.http(base()));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<InputStream> open(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
