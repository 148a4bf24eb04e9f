package dev.abg.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.abg.testing.AdminClient;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.InjectFakeUpstream;
import dev.abg.testing.RawHttp;
import dev.abg.testing.RawHttp.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * What a web page in the user's browser can do to abg, tried as the browser sends it: a cross-origin form post to
 * {@code reset} and {@code close} (no preflight needed), JSON writes with a foreign {@code Origin}, and DNS rebinding (a
 * page whose own name now points at 127.0.0.1, so its requests carry {@code Host: evil.example}) on the admin API, the
 * dashboard and the proxy routes. Each is refused, and the state read back through the API afterwards is unchanged. The
 * same requests from abg's own origin (the dashboard) and without any browser headers (curl, the {@code abg} command)
 * still work.
 */
@QuarkusTest
class BrowserAttackTests {

  private static final String EVIL = "https://evil.example";
  private static final String FORM = "application/x-www-form-urlencoded";

  @InjectFakeUpstream
  FakeUpstream upstream;

  private int port;
  private String self;
  private AdminClient admin;

  @BeforeEach
  void setUp() {
    port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    self = "127.0.0.1:" + port;
    admin = new AdminClient("http://" + self, null);
    upstream.reset();
  }

  /** A session that has spent past its cap: blocked, as a runaway agent's would be. */
  private String blockedSession() {
    String id = "attack-" + UUID.randomUUID();
    admin.createSession(id, "0.0005", "victim");
    assertEquals(200, admin.claudeRequest(id, "claude-sonnet-4-6"));
    JsonObject s = admin.session(id);
    assertEquals("blocked", s.getString("state"), s.encode());
    return id;
  }

  private Answer send(String method, String path, Map<String, String> headers, String body) {
    return RawHttp.send(port, method, path, headers, body);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return h;
  }

  private static void assertProblem(Answer answer, int status, String kind) {
    assertEquals(status, answer.status(), answer.body());
    assertEquals("application/problem+json", answer.header("content-type"), answer.toString());
    JsonObject problem = new JsonObject(answer.body());
    assertEquals("urn:abg:problem:" + kind, problem.getString("type"), answer.body());
    assertEquals(status, problem.getInteger("status"));
    assertNoCors(answer);
  }

  private static void assertNoCors(Answer answer) {
    assertTrue(answer.headers().keySet().stream().noneMatch(h -> h.startsWith("access-control-")), "no CORS header, ever: " + answer.headers());
  }

  @Test
  void shouldRefuseACrossOriginFormPostToResetAndClose() {
    String id = blockedSession();
    JsonObject before = admin.session(id);
    for (String action : new String[] {"reset", "close"}) {
      // what <form method=post action="http://127.0.0.1:8788/abg/sessions/ID/reset"> sends when a page submits it
      Map<String, String> form = with(with(RawHttp.browser(self, EVIL, "cross-site"), "Content-Type", FORM), "Sec-Fetch-Mode", "navigate");
      Answer answer = send("POST", "/abg/sessions/" + id + "/" + action, form, "x=1");
      assertProblem(answer, 403, "cross-origin-write");
      assertTrue(new JsonObject(answer.body()).getString("detail").contains("'https://evil.example'"), answer.body());
      // a form without Origin (some browsers drop it on navigations) still says where it came from
      Map<String, String> noOrigin = with(RawHttp.browser(self, null, "cross-site"), "Content-Type", FORM);
      assertProblem(send("POST", "/abg/sessions/" + id + "/" + action, noOrigin, "x=1"), 403, "cross-origin-write");
      // a sandboxed frame or a file: sends Origin: null
      assertProblem(send("POST", "/abg/sessions/" + id + "/" + action, with(RawHttp.browser(self, "null", "cross-site"), "Content-Type", FORM), "x=1"),
          403, "cross-origin-write");
      // a page on another port of the same machine is another origin (and a "same-site" one)
      assertProblem(send("POST", "/abg/sessions/" + id + "/" + action, RawHttp.browser(self, "http://127.0.0.1:3000", "same-site"), null), 403,
          "cross-origin-write");
    }
    JsonObject after = admin.session(id);
    assertEquals("blocked", after.getString("state"), "still blocked: " + after.encode());
    assertEquals(before.getValue("spent_usd"), after.getValue("spent_usd"));
    assertEquals(before.getValue("cap_usd"), after.getValue("cap_usd"));
    assertFalse(after.getBoolean("closed"), after.encode());
    var kinds = admin.json("GET", "/abg/events?session=" + id, null).getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("kind")).toList();
    assertEquals(java.util.List.of("session_created"), kinds, "no reset, no close recorded");
  }

  @Test
  void shouldRefuseJsonWritesWithAForeignOrigin() {
    String id = blockedSession();
    JsonObject budgets = admin.json("GET", "/abg/budgets", null);
    Map<String, String> json = with(RawHttp.browser(self, EVIL, "cross-site"), "Content-Type", "application/json");
    assertProblem(send("PATCH", "/abg/sessions/" + id, json, "{\"cap_usd\":1000000}"), 403, "cross-origin-write");
    assertProblem(send("PATCH", "/abg/sessions/" + id, json, "{\"raise_usd\":500}"), 403, "cross-origin-write");
    assertProblem(send("PUT", "/abg/budgets", json, "{\"session_budget_usd\":1000000,\"daily_budget_usd\":null}"), 403, "cross-origin-write");
    String fresh = "attack-new-" + UUID.randomUUID();
    assertProblem(send("POST", "/abg/sessions", json, "{\"id\":\"" + fresh + "\",\"cap_usd\":1000000}"), 403, "cross-origin-write");

    JsonObject after = admin.session(id);
    assertEquals("blocked", after.getString("state"));
    assertEquals(0.0005, after.getDouble("cap_usd"), 1e-9);
    assertEquals(budgets, admin.json("GET", "/abg/budgets", null), "budgets unchanged");
    assertEquals(404, admin.call("GET", "/abg/sessions/" + fresh, null).statusCode(), "nothing created");
  }

  @Test
  void shouldRefuseARebindingHostOnTheAdminApiTheDashboardAndTheProxy() {
    String id = blockedSession();
    String evilHost = "evil.example:" + port;
    // after rebinding the page is same-origin with abg as far as the browser knows: Origin and Host agree
    Map<String, String> rebound = RawHttp.browser(evilHost, "http://" + evilHost, "same-origin");

    Answer export = send("GET", "/abg/export", rebound, null);
    assertProblem(export, 421, "misdirected-request");
    assertFalse(export.body().contains(id), "no ledger for the rebound page");
    assertTrue(new JsonObject(export.body()).getString("detail").contains("allowed_hosts"), export.body());
    assertProblem(send("GET", "/abg/sessions", rebound, null), 421, "misdirected-request");
    assertProblem(send("POST", "/abg/sessions/" + id + "/reset", rebound, null), 421, "misdirected-request");
    assertProblem(send("PATCH", "/abg/sessions/" + id, with(rebound, "Content-Type", "application/json"), "{\"cap_usd\":1000000}"), 421,
        "misdirected-request");
    assertProblem(send("GET", "/abg/ui/", rebound, null), 421, "misdirected-request");
    assertProblem(send("GET", "/abg/ui/app.js", rebound, null), 421, "misdirected-request");
    assertProblem(send("GET", "/q/metrics", rebound, null), 421, "misdirected-request");

    int upstreamBefore = upstream.requestCount();
    Map<String, String> proxied = with(with(with(rebound, "Content-Type", "application/json"), "anthropic-version", "2023-06-01"), "x-api-key", "sk-ant-x");
    Answer viaProxy = send("POST", "/s/" + id + "/v1/messages", proxied,
        "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(421, viaProxy.status(), viaProxy.body());
    JsonObject error = new JsonObject(viaProxy.body());
    assertEquals("error", error.getString("type"), "the proxy's refusal comes in the provider's shape: " + viaProxy.body());
    assertTrue(error.getJsonObject("error").getString("message").startsWith("abg: abg answers only requests addressed to it"), viaProxy.body());
    assertNoCors(viaProxy);
    Answer openAi = send("GET", "/v1/models", with(rebound, "Authorization", "Bearer sk-x"), null);
    assertEquals(421, openAi.status());
    assertTrue(new JsonObject(openAi.body()).getJsonObject("error").getString("message").contains("addressed to it"), openAi.body());
    assertEquals(upstreamBefore, upstream.requestCount(), "nothing went upstream");

    JsonObject after = admin.session(id);
    assertEquals("blocked", after.getString("state"));
    assertEquals(0.0005, after.getDouble("cap_usd"), 1e-9);
  }

  @Test
  void shouldLetTheDashboardAndScriptsWorkAsBefore() {
    String id = blockedSession();
    // the dashboard: same origin, as Chromium sends its fetch()
    Map<String, String> dashboard = RawHttp.browser(self, "http://" + self, "same-origin");
    Answer raise = send("PATCH", "/abg/sessions/" + id, with(dashboard, "Content-Type", "application/json"), "{\"raise_usd\":1}");
    assertEquals(200, raise.status(), raise.body());
    assertNoCors(raise);
    assertEquals("active", admin.session(id).getString("state"));
    // by name: localhost is abg's too
    Map<String, String> byName = RawHttp.browser("localhost:" + port, "http://localhost:" + port, "same-origin");
    assertEquals(200, send("POST", "/abg/sessions/" + id + "/reset", byName, null).status());
    assertEquals(0.0, admin.session(id).getDouble("spent_usd"));
    assertEquals(200, send("GET", "/abg/ui/", RawHttp.browser("[::1]:" + port, null, "none"), null).status());
    // curl: no Origin, no Sec-Fetch-*
    Map<String, String> curl = new LinkedHashMap<>(Map.of("Host", self, "User-Agent", "curl/8.5.0", "Accept", "*/*"));
    assertEquals(200, send("POST", "/abg/sessions/" + id + "/close", curl, null).status());
    assertTrue(admin.session(id).getBoolean("closed"));
  }

  @Test
  void shouldAnswerPreflightsWithoutCorsAndServeOnlyEachRoutesMethods() {
    Map<String, String> preflight = with(with(RawHttp.browser(self, EVIL, "cross-site"), "Access-Control-Request-Method", "POST"),
        "Access-Control-Request-Headers", "content-type");
    for (String path : new String[] {"/abg/sessions/x/reset", "/abg/status", "/v1/messages", "/abg/ui/", "/q/metrics"}) {
      Answer answer = send("OPTIONS", path, preflight, null);
      assertEquals(405, answer.status(), path + ": " + answer.body());
      assertNoCors(answer);
    }
    int upstreamBefore = upstream.requestCount();
    Map<String, String> agent = with(with(with(RawHttp.browser(self, null, null), "anthropic-version", "2023-06-01"), "x-api-key", "sk-ant-x"),
        "Content-Type", "application/json");
    for (String method : new String[] {"CONNECT", "GET", "PUT", "DELETE", "TRACE", "PROPFIND"}) {
      Answer answer = send(method, "/v1/messages", agent, method.equals("GET") ? null : "{}");
      assertEquals(405, answer.status(), method + ": " + answer.body());
      assertEquals("POST", answer.header("allow"));
      assertEquals("error", new JsonObject(answer.body()).getString("type"), answer.body());
    }
    Answer trace = send("TRACE", "/v1/models", agent, null);
    assertEquals(405, trace.status(), trace.body());
    assertEquals("GET, POST, DELETE", trace.header("allow"));
    assertEquals(upstreamBefore, upstream.requestCount(), "no such method went upstream");

    Answer postUi = send("POST", "/abg/ui/index.html", RawHttp.browser(self, "http://" + self, "same-origin"), "x");
    assertProblem(postUi, 405, "method-not-allowed");
    assertEquals("GET, HEAD", postUi.header("allow"));
    assertProblem(send("DELETE", "/q/metrics", RawHttp.browser(self, null, null), null), 405, "method-not-allowed");
    Answer trace2 = send("TRACE", "/abg/status", RawHttp.browser(self, null, null), null);
    assertEquals(405, trace2.status(), trace2.body());
    assertNull(trace2.header("access-control-allow-origin"));
  }
}
