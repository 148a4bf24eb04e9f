package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.abg.testing.AgentRequest;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.InjectFakeUpstream;
import io.quarkus.test.junit.QuarkusTest;

/** {@code /q/metrics}: the session gauges, requests by provider, model and action, blocks, and upstream latency. */
@QuarkusTest
class MetricsTests {

  @InjectFakeUpstream
  FakeUpstream upstream;

  @Test
  void shouldExposeSessionGaugesAndRequestCountersAfterProxiedRequests() {
    upstream.reset();
    String session = "metrics-" + UUID.randomUUID();
    ProxyClient.send(AgentRequest.claudeCode("claude-sonnet-4-6").stream(true).abgSession(session));
    String metrics = ProxyClient.send(HttpRequest.newBuilder(URI.create(ProxyClient.base() + "/q/metrics")).GET()).body();
    // 878 µ$ spent of the default $5 cap
    assertTrue(metrics.contains("abg_session_spent_usd{session=\"" + session + "\"} 8.78E-4"), metrics);
    assertTrue(metrics.contains("abg_session_cap_usd{session=\"" + session + "\"} 5.0"), metrics);
    assertTrue(metrics.contains("abg_session_remaining_usd{session=\"" + session + "\"} 4.999122"), metrics);
    assertTrue(metrics.contains("abg_requests_total{action=\"allow\",model=\"claude-sonnet-4-6\",provider=\"anthropic\"}"), metrics);
    assertTrue(metrics.contains("abg_upstream_latency_seconds_count{provider=\"anthropic\"}"), metrics);
    assertTrue(metrics.contains("abg_today_spent_usd"), metrics);
    assertTrue(!metrics.contains("sk-ant-test-fakekey"), "no key in the metrics");
    // no generic per-request timers on the proxy path (application.properties: their cost, docs/benchmarks/profiles.md item 14)
    assertTrue(!metrics.contains("http_server_requests_seconds") && !metrics.contains("http_client_requests_seconds"), metrics);
  }
}
