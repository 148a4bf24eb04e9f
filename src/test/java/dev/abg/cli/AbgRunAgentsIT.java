package dev.abg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AbgScript;
import dev.abg.testing.AdminClient;
import dev.abg.testing.AgentCli;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/**
 * {@code abg run --session NAME [--cap USD] -- claude -p …} and {@code -- codex exec …} with the real, pinned CLIs: each lands in the
 * named session with the cap given, and in no session of the agent's own id. Codex runs on its built-in provider, as a user's would:
 * abg run gives it {@code -c openai_base_url=…/s/NAME/v1} and CODEX_API_KEY from OPENAI_API_KEY.
 */
@Timeout(300)
@PackagedProxy(adminToken = AbgRunAgentsIT.TOKEN)
class AbgRunAgentsIT {

  static final String TOKEN = "it-admin-token-0123456789";
  static final Pattern CODEX_SESSION = Pattern.compile("session id: ([0-9a-f-]{36})");

  static AbgProcess abg;
  static AdminClient admin;
  static AbgScript abgScript;
  static final AgentCli cli = AgentCli.fromSystemProperties();

  @BeforeAll
  static void start(AbgProcess proxy, AdminClient adminClient) {
    abg = proxy;
    admin = adminClient;
    abgScript = new AbgScript(abg.dir(), Map.of());
  }

  @Test
  void shouldPutAClaudeCodeRunInTheNamedSession() {
    AgentCli.Result run = cli.claudePrintVia(launcher("run-claude", "2"), "say hi", env(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    JsonObject result = run.stdoutJson();
    String ownId = result.getString("session_id");
    assertTrue(run.stderr().contains("[abg] session run-claude: $0.00 of $2.00 spent"), run.toString());

    JsonObject session = admin.session("run-claude");
    assertEquals(2.0, session.getDouble("cap_usd"), 1e-9);
    assertEquals(1, session.getLong("requests"), session.encodePrettily());
    assertTrue(session.getDouble("spent_usd") > 0, session.encodePrettily());
    JsonArray rows = admin.json("GET", "/abg/requests?session=run-claude", null).getJsonArray("items");
    assertEquals("claude-code", rows.getJsonObject(0).getString("client"), rows.encodePrettily());
    assertEquals(404, admin.call("GET", "/abg/sessions/" + ownId, null).statusCode(), "Claude Code's own session id " + ownId + " got nothing");
  }

  @Test
  void shouldPutACodexRunInTheNamedSessionThroughTheBuiltInProvider(FakeUpstream upstream) {
    AgentCli.Result run = cli.codexExecVia(launcher("run-codex", "1.5"), "say hi", env(), Duration.ofSeconds(120));
    assertEquals(0, run.exitCode(), run.toString());
    Matcher m = CODEX_SESSION.matcher(run.stderr() + run.stdout());
    assertTrue(m.find(), "codex printed its session id: " + run);

    JsonObject session = admin.session("run-codex");
    assertEquals(1.5, session.getDouble("cap_usd"), 1e-9);
    assertEquals(1, session.getLong("requests"), session.encodePrettily());
    JsonObject row = admin.json("GET", "/abg/requests?session=run-codex", null).getJsonArray("items").getJsonObject(0);
    assertEquals(List.of("openai", "/v1/responses", 200), List.of(row.getString("provider"), row.getString("endpoint"), row.getInteger("upstream_status")));
    assertNotEquals(0.0, row.getDouble("cost_usd"));
    assertEquals(404, admin.call("GET", "/abg/sessions/" + m.group(1), null).statusCode(), "Codex's own session id got nothing");
    assertEquals(0, upstream.count("GET", "/v1/responses"), "the WebSocket attempt was answered by abg (426), never forwarded");
  }

  private static List<String> launcher(String session, String cap) {
    return List.of(abgScript.script().toString(), "run", "--session", session, "--cap", cap, "--");
  }

  private static Map<String, String> env() {
    return Map.of("ABG_URL", abg.baseUrl(), "ABG_ADMIN_TOKEN", TOKEN);
  }
}
