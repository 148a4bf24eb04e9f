package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.abg.testing.AdminClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * A model name or a label with a newline or an ANSI sequence cannot forge a log line
 * ({@code [abg] BLOCKED …}) or reach the operator's terminal raw: every logged string has its control characters escaped.
 */
@QuarkusTest
@TestProfile(LogInjectionTests.Profile.class)
class LogInjectionTests {

  static final Path LOG = Path.of("target", "log-injection-" + UUID.randomUUID().toString().substring(0, 8) + ".log");

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> c = new HashMap<>();
      c.put("quarkus.log.category.\"abg\".use-parent-handlers", "true");
      c.put("quarkus.log.file.enabled", "true");
      c.put("quarkus.log.file.path", LOG.toString());
      return c;
    }
  }

  @Test
  void shouldEscapeControlCharactersInEveryLoggedValue() throws Exception {
    String session = "inject-" + UUID.randomUUID();
    AdminClient admin = new AdminClient(ProxyClient.base(), null);
    admin.createSession(session, "0", "\u001b[2J\u001b]0;owned\u0007label\nforged");
    String forgedModel = "claude-sonnet-4-6\\n[abg] BLOCKED session=forged model=x | \\u001b[31mall caps lifted";
    Map<String, String> headers = new HashMap<>(Map.of("anthropic-version", "2023-06-01", "x-api-key", "sk-ant-test-key", "content-type", "application/json",
        "user-agent", "claude-cli/2.1.332 (external, cli)"));
    String body = "{\"model\":\"" + forgedModel + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    assertEquals(402, ProxyClient.send(ProxyClient.post("/s/" + session + "/v1/messages", headers, body)).statusCode(), "a $0 cap blocks");
    // an unknown model is logged once, with its fallback; a model with a newline, on a session that may spend
    String open = "inject-open-" + UUID.randomUUID();
    ProxyClient.send(ProxyClient.post("/s/" + open + "/v1/messages", headers, body.replace("claude-sonnet-4-6\\n", "claude-nova-9\\n")));
    admin.json("PATCH", "/abg/sessions/" + session, new JsonObject().put("label", "new\u001b[0mlabel\nline").encode());

    String log = awaitLogContaining("BLOCKED session=" + session);
    List<String> lines = log.lines().toList();
    assertTrue(lines.stream().noneMatch(l -> l.contains("session=forged") && !l.contains("\\n[abg]") && !l.contains("\\r\\n[abg]")),
        "no forged line: " + String.join("\n", lines.stream().filter(l -> l.contains("forged")).toList()));
    assertFalse(log.contains("\u001b"), "no raw escape character in the log");
    assertFalse(log.contains("\u0007"), "no raw bell character in the log");
    String blocked = lines.stream().filter(l -> l.contains("BLOCKED session=" + session)).findFirst().orElseThrow();
    assertTrue(blocked.contains("model=claude-sonnet-4-6\\n[abg] BLOCKED session=forged model=x | \\x1b[31mall caps lifted"), blocked);
  }

  private static String awaitLogContaining(String text) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(LOG)) {
        String log = Files.readString(LOG);
        if (log.contains(text)) {
          return log;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the log never said " + text);
  }
}
