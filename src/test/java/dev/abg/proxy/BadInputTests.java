package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.abg.spend.SpendService;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.InjectFakeUpstream;
import dev.abg.testing.Ledger;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bad requests from the agent: bodies that are not a JSON object or name no model, bad session ids in every place a session
 * comes from (characters, length, path tricks with {@code ..}, encoded dots and slashes, unicode), and duplicate or conflicting
 * session headers. Each gets a 400 (404 for a path that is not proxied) in the provider's error shape, nothing reaches the
 * upstream, and the ledger gets no row. Oversized bodies: {@link UnreachableUpstreamTests}.
 */
@QuarkusTest
class BadInputTests {

  @InjectFakeUpstream
  FakeUpstream upstream;
  @Inject
  DataSource dataSource;
  @Inject
  SpendService spend;
  Ledger ledger;
  long rowsBefore;

  @BeforeEach
  void setUp() {
    upstream.reset();
    ledger = new Ledger(dataSource);
    rowsBefore = ledger.number("SELECT COUNT(*) FROM requests");
  }

  @Test
  void shouldRefuseBodiesThatAreNotAJsonObjectWithAModelInEachProvidersShape() {
    String sonnet = AgentRequest.claudeCode("claude-sonnet-4-6").body();
    Map<String, String> bodies = Map.of(
        "hello", "not valid JSON",
        "", "must be a JSON object",
        "[1,2,3]", "must be a JSON object",
        "\"model\"", "must be a JSON object",
        sonnet + " {}", "trailing content",
        sonnet.substring(0, sonnet.length() - 5), "not valid JSON",
        "{\"messages\":[]}", "names no model",
        "{\"model\":42,\"messages\":[]}", "names no model",
        "{\"model\":\"  \",\"messages\":[]}", "names no model",
        "\u00ff\u00fe{\"model\":\"x\"}", "not valid JSON");
    for (Map.Entry<String, String> b : bodies.entrySet()) {
      HttpResponse<String> anthropic = ProxyClient.send(ProxyClient.post("/v1/messages", AgentRequest.claudeCode("claude-sonnet-4-6").abgSession(session()).headers(), b.getKey()));
      assertEquals(400, anthropic.statusCode(), b.getKey());
      assertTrue(anthropic.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"abg: "), anthropic.body());
      assertTrue(anthropic.body().contains(b.getValue()), b.getKey() + " → " + anthropic.body());
      HttpResponse<String> openai = ProxyClient.send(ProxyClient.post("/v1/responses", AgentRequest.responses("gpt-5.5").headers(), b.getKey()));
      assertEquals(400, openai.statusCode(), b.getKey());
      assertTrue(openai.body().startsWith("{\"error\":{\"message\":\"abg: "), openai.body());
      assertTrue(openai.body().endsWith("\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"bad_request\"}}"), openai.body());
    }
    assertNothingRecorded();
  }

  @Test
  void shouldRefuseBadSessionIdsInHeadersWithAClearMessage() {
    List<String> bad = List.of(" ", "has space", "-starts-with-dash", ".hidden", "..", "a/b", "a\\b", "semi;colon", "quote\"d", "x".repeat(129),
        "%2e%2e", "tab\there", "<script>");
    for (String id : bad) {
      for (String header : List.of("x-abg-session-id", "X-Claude-Code-Session-Id", "session-id")) {
        if (id.isBlank()) {
          continue;                                  // a blank header is "no session id": the next source applies
        }
        HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").header(header, id));
        assertEquals(400, response.statusCode(), header + ": " + id);
        assertTrue(response.body().contains("abg: invalid session id"), response.body());
        assertTrue(response.body().contains("a session id must start with a letter or digit and contain only letters, digits and . _ : - (1 to 128 characters)"), response.body());
      }
    }
    // the longest allowed id passes
    String longest = "a".repeat(128);
    assertEquals(200, ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").abgSession(longest)).statusCode());
    assertEquals(1, ledger.rows(longest).size());
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, longest);
    assertEquals(1, upstream.requestCount(), "only the good id reached the upstream");
  }

  @Test
  void shouldRefusePathTricksInTheSessionPrefix() {
    Map<String, Integer> paths = new java.util.LinkedHashMap<>();
    paths.put("/s/../v1/messages", 400);
    paths.put("/s/./v1/messages", 400);
    paths.put("/s/%2e%2e/v1/messages", 400);
    paths.put("/s/%2E%2E/v1/messages", 400);
    paths.put("/s/a%2Fb/v1/messages", 400);
    paths.put("/s/%2F/v1/messages", 400);
    paths.put("/s/..%2F..%2Fabg/v1/messages", 400);
    paths.put("/s/caf%C3%A9/v1/messages", 400);
    paths.put("/s/%00/v1/messages", 400);
    paths.put("/s/x%20y/v1/messages", 400);
    paths.put("/s//v1/messages", 400);
    paths.put("/s/" + "y".repeat(129) + "/v1/messages", 400);
    paths.put("/s/ok/../v1/messages", 404);                         // after the session comes "/..": not an API path
    paths.put("/s/ok/v1/../../abg/status", 400);
    paths.put("/s/ok/v1/%2e%2e/%2e%2e/abg/status", 400);
    paths.put("/s/ok/v1/..%2F..%2Fabg%2Fstatus", 400);
    paths.put("/s/ok/v1/messages%2F..%2F..%2Fmodels", 400);
    paths.put("/s/ok/v2/messages", 404);
    AgentRequest sonnet = AgentRequest.anthropic("claude-sonnet-4-6").withoutHeader("content-type");   // raw() writes its own
    for (Map.Entry<String, Integer> p : paths.entrySet()) {
      Raw response = raw("POST", p.getKey(), sonnet.headers(), sonnet.body().getBytes(StandardCharsets.UTF_8));
      assertEquals(p.getValue(), response.status(), p.getKey() + " → " + response.body());
      assertTrue(response.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"") && response.body().contains("\"message\":\"abg: "),
          p.getKey() + " → " + response.body());
    }
    // raw UTF-8 bytes in the path, not percent-encoded
    Raw unicode = raw("POST", "/s/caf\u00e9-\u2603/v1/messages", Map.of("anthropic-version", "2023-06-01"), sonnet.body().getBytes(StandardCharsets.UTF_8));
    assertTrue(unicode.status() == 400, "raw unicode → " + unicode.status() + " " + unicode.body());
    assertEquals(0, upstream.requestCount(), "nothing reached the upstream");
    assertNothingRecorded();
  }

  @Test
  void shouldRefuseConflictingSessionHeadersAndAcceptRepeatedEqualOnes() {
    String a = session();
    String b = session();
    for (String header : List.of("x-abg-session-id", "X-Claude-Code-Session-Id", "session-id")) {
      HttpRequest.Builder conflicting = base("/v1/messages").header(header, a).header(header, b);
      HttpResponse<String> response = ProxyClient.send(conflicting);
      assertEquals(400, response.statusCode(), header);
      assertTrue(response.body().contains("header is given more than once with different values"), response.body());
    }
    assertNothingRecorded();

    HttpResponse<String> same = ProxyClient.send(base("/v1/messages").header("x-abg-session-id", a).header("x-abg-session-id", a));
    assertEquals(200, same.statusCode(), same.body());
    assertEquals(1, ledger.rows(a).size());
    // different sources are not a conflict but an order: the path wins over the header, the header over the agent's own id
    HttpResponse<String> ordered = ProxyClient.send(base("/s/" + b + "/v1/messages").header("x-abg-session-id", a)
        .header("X-Claude-Code-Session-Id", session()));
    assertEquals(200, ordered.statusCode());
    assertEquals(b, ordered.headers().firstValue("x-abg-session").orElseThrow());
    assertEquals(1, ledger.rows(b).size());
    assertEquals(1, ledger.rows(a).size());
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, a);
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, b);
  }

  @Test
  void shouldRefuseABadContentLengthWithoutA500() {
    Raw response = raw("POST", "/v1/messages", Map.of("anthropic-version", "2023-06-01", "content-length", "abc"), new byte[0]);
    assertEquals(400, response.status(), response.body());
    assertNothingRecorded();
  }

  // ---------------------------------------------------------------- helpers

  private void assertNothingRecorded() {
    assertEquals(rowsBefore, ledger.number("SELECT COUNT(*) FROM requests"), "no ledger row for a refused request");
  }

  private static HttpRequest.Builder base(String path) {
    return AgentRequest.claudeCode("claude-sonnet-4-6").path(path).http(ProxyClient.base());
  }

  private static String session() {
    return "bad-" + UUID.randomUUID();
  }

  record Raw(int status, String body) {
  }

  /** One request written byte for byte (no client-side normalisation of the path), answer read to the end. */
  static Raw raw(String method, String path, Map<String, String> headers, byte[] body) {
    int port = Integer.parseInt(ProxyClient.base().substring(ProxyClient.base().lastIndexOf(':') + 1));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes((method + " ").getBytes(StandardCharsets.UTF_8));
      request.writeBytes(path.getBytes(StandardCharsets.UTF_8));
      StringBuilder head = new StringBuilder(" HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (!headers.containsKey("content-length")) {
        head.append("content-length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      request.writeBytes(body);
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      int split = answer.indexOf("\r\n\r\n");
      return new Raw(status, split < 0 ? "" : answer.substring(split + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
