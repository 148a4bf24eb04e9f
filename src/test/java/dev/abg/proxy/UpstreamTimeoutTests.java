package dev.abg.proxy;

import static dev.abg.proxy.UpstreamFaultTests.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;



import org.junit.jupiter.api.Test;

import dev.abg.testing.AgentRequest;
import dev.abg.testing.Fault;
import dev.abg.testing.StreamRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Upstreams that do not answer in time, with short timeouts: a connect that never completes (a loopback listener whose
 * accept queue is full, so the kernel drops the SYN), no response headers within the idle timeout, and a stream that goes
 * silent midway. The Anthropic upstream is the fake; the OpenAI upstream is the full listener.
 */
@QuarkusTest
@TestProfile(UpstreamTimeoutTests.Profile.class)
class UpstreamTimeoutTests extends ProxyTestBase {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("upstream_openai", "http://127.0.0.1:" + Blackhole.port(), "upstream_connect_timeout_ms", "500", "upstream_idle_timeout_s", "1");
    }
  }

  /**
   * A listener on 127.0.0.1 that never accepts, its accept queue filled by connections of its own: further connects get no
   * SYN-ACK and time out. Only ever on loopback.
   */
  static final class Blackhole {
    private static ServerSocket server;
    private static final List<Socket> fillers = new ArrayList<>();

    static synchronized int port() {
      if (server == null) {
        try {
          server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
              s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
              fillers.add(s);
            } catch (SocketTimeoutException full) {
              s.close();
              break;                       // the accept queue is full: from now on connects hang
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return server.getLocalPort();
    }
  }


  @Test
  void shouldAnswerAConnectTimeoutWith504InOpenAisShapeAndBillNothing() {
    String session = UpstreamFaultTests.session();
    long started = System.nanoTime();
    HttpResponse<String> response = ProxyClient.send(AgentRequest.chat("gpt-5.5").abgSession(session));
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(504, response.statusCode(), response.body());
    assertTrue(response.body().startsWith("{\"error\":{\"message\":\"abg: the upstream http://127.0.0.1:" + Blackhole.port() + " did not answer in time"),
        response.body());
    assertTrue(response.body().contains("\"type\":\"server_error\""), response.body());
    assertTrue(ms < 5_000, "gave up after the 500 ms connect timeout, not later: " + ms + " ms");
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals(0L, num(row, "cost_micros"), "the request never left: nothing to bill");
    assertEquals(null, row.get("upstream_status"));
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, session);
  }

  @Test
  void shouldAnswerNoHeadersWithinTheIdleTimeoutWith504AndBillTheInputAsEstimated() {
    String session = UpstreamFaultTests.session();
    upstream.config().headersDelayMs(5_000);
    HttpResponse<String> response = anthropic(session, true);
    assertEquals(504, response.statusCode(), response.body());
    assertTrue(response.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"abg: the upstream " + upstream.baseUrl()
        + " did not answer in time"), response.body());
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals("estimated", row.get("usage_source"), "the request reached the upstream: its input may be billed");
    assertTrue(num(row, "input_tokens") > 0);
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, session);
  }

  @Test
  void shouldEndAStreamThatGoesSilentWithATimeoutErrorEventAndCloseTheUpstream() {
    String session = UpstreamFaultTests.session();
    upstream.config().textEvents(10).fault(Fault.HANG, 5).hangLimitMs(20_000);
    long started = System.nanoTime();
    HttpResponse<String> response = anthropic(session, true);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("content_block_delta"), "the events before the silence reached the agent");
    assertTrue(response.body().endsWith("\"}}\n\n") && response.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
        + "\"message\":\"abg: the upstream " + upstream.baseUrl() + " did not answer in time"), response.body());
    assertTrue(ms < 10_000, "ended after the 1 s idle timeout: " + ms + " ms");
    StreamRecord stream = upstream.lastStream();
    assertEquals(StreamRecord.Outcome.CLIENT_CLOSED, stream.awaitEnd(java.time.Duration.ofSeconds(10)), "abg closed the silent upstream");
    Map<String, Object> row = ledger.lastRow(session);
    assertEquals("estimated", row.get("usage_source"));
    assertEquals(UpstreamFaultTests.DEFAULT_INPUT, num(row, "input_tokens"));
    UpstreamFaultTests.assertNoReservationLeft(spend, ledger, session);
  }

  private static HttpResponse<String> anthropic(String session, boolean stream) {
    return ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(stream).abgSession(session));
  }
}
