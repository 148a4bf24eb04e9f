package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.SpendService;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.Ledger;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** An upstream nobody listens on, and a small body limit: the proxy answers itself, in Anthropic's error shape. */
@QuarkusTest
@TestProfile(UnreachableUpstreamTests.Profile.class)
class UnreachableUpstreamTests {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("upstream_anthropic", "http://127.0.0.1:" + closedPort(), "upstream_openai", "http://127.0.0.1:" + closedPort(), "max_body_mb", "1");
    }

    private static int closedPort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Inject
  DataSource dataSource;
  @Inject
  SpendService spend;

  @Test
  void shouldAnswerAnUnreachableUpstreamInAnthropicsErrorShapeAndRecordIt() {
    String session = "down-" + UUID.randomUUID();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).abgSession(session));
    assertEquals(502, response.statusCode());
    assertTrue(response.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"abg: cannot reach the upstream http://127.0.0.1:"),
        response.body());
    assertEquals(session, response.headers().firstValue("x-abg-session").orElseThrow());
    Map<String, Object> row = new Ledger(dataSource).lastRow(session);
    assertEquals(0L, ((Number) row.get("cost_micros")).longValue());
    assertEquals(null, row.get("upstream_status"));
    UpstreamFaultTests.assertNoReservationLeft(spend, new Ledger(dataSource), session);
  }

  @Test
  void shouldAnswerAnUnreachableOpenAiUpstreamInOpenAisErrorShape() {
    HttpResponse<String> response = ProxyClient.send(AgentRequest.codex("gpt-5-codex").stream(true).noTurns().session("codex-down"));
    assertEquals(502, response.statusCode());
    assertTrue(response.body().startsWith("{\"error\":{\"message\":\"abg: cannot reach the upstream"), response.body());
    assertTrue(response.body().endsWith("\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_unreachable\"}}"), response.body());
    UpstreamFaultTests.assertNoReservationLeft(spend, new Ledger(dataSource), "codex-down");
  }

  @Test
  void shouldRefuseAnOversizedBodyWith413() {
    String big = "x".repeat(1_100_000);
    HttpResponse<String> response = ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").without("max_tokens").without("stream").prompt(big));
    assertEquals(413, response.statusCode());
    assertTrue(response.body().contains("\"type\":\"request_too_large\""), response.body());
    assertTrue(response.body().contains("max_body_mb (1 MB)"), response.body());
    HttpResponse<String> openai = ProxyClient.send(AgentRequest.responses("gpt-5.5").without("stream").prompt(big));
    assertEquals(413, openai.statusCode());
    assertTrue(openai.body().startsWith("{\"error\":{\"message\":\"abg: the request body is larger than max_body_mb (1 MB)"), openai.body());
  }
}
