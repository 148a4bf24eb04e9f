package dev.abg.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.abg.spend.SpendService;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.CannedResponse;
import dev.abg.testing.Fault;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.InjectFakeUpstream;
import dev.abg.testing.Ledger;
import dev.abg.testing.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A canary API key in {@code x-api-key} and in {@code Authorization: Bearer}, sent through every path a request can take
 * (streamed and not, both providers, pass-through, count_tokens near the cap, upstream errors and resets, blocks, bad input),
 * with DEBUG logging into a file: afterwards the canary is nowhere but at the upstream — not in the log, the SQLite ledger
 * (every table), the JSONL ledger, the metrics and admin endpoints, or any answer the client got.
 */
@QuarkusTest
@TestProfile(SecretsTests.Profile.class)
class SecretsTests {

  static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  static final String CANARY = "CANARY" + RUN + "x9Q";
  static final String ANTHROPIC_KEY = "sk-ant-api03-" + CANARY + "-anthropic";
  static final String OPENAI_KEY = "sk-proj-" + CANARY + "-openai";
  static final Path LOG = Path.of("target", "secrets-" + RUN + ".log");
  static final Path JSONL = Path.of("target", "secrets-" + RUN + ".jsonl");

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> c = new HashMap<>();
      c.put("quarkus.log.level", "DEBUG");
      c.put("quarkus.log.category.\"dev.abg\".level", "DEBUG");
      c.put("quarkus.log.category.\"abg\".use-parent-handlers", "true");
      c.put("quarkus.log.file.enabled", "true");
      c.put("quarkus.log.file.path", LOG.toString());
      c.put("quarkus.log.file.level", "DEBUG");
      c.put("ledger_file", JSONL.toString());
      return c;
    }
  }

  @InjectFakeUpstream
  FakeUpstream upstream;
  @Inject
  DataSource dataSource;
  @Inject
  SpendService spend;

  private final List<String> answers = new ArrayList<>();

  @Test
  void shouldKeepTheApiKeyOutOfLogsLedgerMetricsAndAnswers() throws Exception {
    upstream.reset();
    String session = "secrets-" + RUN;
    AgentRequest claude = AgentRequest.claudeCode("claude-sonnet-4-6").apiKey(ANTHROPIC_KEY).header("authorization", "Bearer " + ANTHROPIC_KEY)
        .abgSession(session);
    AgentRequest codex = AgentRequest.codex("gpt-5.5-codex").apiKey(OPENAI_KEY).session(session);

    // the ordinary paths
    keep(ProxyClient.send(claude.copy().stream(true)));
    keep(ProxyClient.send(claude.copy().path("/v1/messages?beta=true")));
    keep(ProxyClient.send(codex.copy().stream(true)));
    keep(ProxyClient.send(AgentRequest.chat("gpt-5.5").stream(true).apiKey(OPENAI_KEY).abgSession(session).header("accept", "text/event-stream")));
    keep(ProxyClient.send(claude.copy().path("/v1/messages/count_tokens")));
    keep(send(HttpRequest.newBuilder(URI.create(ProxyClient.base() + "/v1/models")).header("x-api-key", ANTHROPIC_KEY)
        .header("anthropic-version", "2023-06-01").GET()));
    // upstream failures: an auth error, a reset mid-stream, a reset of a JSON body, a hang past nothing (idle default is long: skip)
    upstream.config().respondNext(1, CannedResponse.anthropicError(401, "authentication_error", "invalid x-api-key"));
    keep(ProxyClient.send(claude.copy().stream(true)));
    upstream.config().faultNext(1, Fault.RESET, 4).textEvents(8);
    keep(ProxyClient.send(claude.copy().stream(true)));
    upstream.config().faultNext(1, Fault.MALFORMED_JSON, 0);
    keep(ProxyClient.send(AgentRequest.codex("gpt-5.5").apiKey(OPENAI_KEY).session(session)));
    // bad input
    keep(ProxyClient.send(ProxyClient.post("/v1/messages", claude.headers(), "{not json")));
    keep(ProxyClient.send(claude.copy().stream(true).abgSession("bad id")));
    keep(ProxyClient.send(claude.copy().stream(true).path("/s/../v1/messages")));
    // near the cap (count_tokens with the agent's key), then past it (a block)
    String capped = "secrets-cap-" + RUN;
    spend.changes().create(capped, null, 2_000L);
    AgentRequest cappedRequest = claude.copy().abgSession(capped);
    keep(ProxyClient.send(cappedRequest));
    keep(ProxyClient.send(cappedRequest));
    keep(ProxyClient.send(cappedRequest));
    HttpResponse<String> blocked = ProxyClient.send(cappedRequest);
    assertEquals(402, blocked.statusCode(), blocked.body());
    keep(blocked);
    // admin and Quarkus endpoints
    for (String path : List.of("/abg/status", "/q/metrics", "/q/health", "/q/openapi")) {
      keep(send(HttpRequest.newBuilder(URI.create(ProxyClient.base() + path)).GET()));
    }

    // the upstream did receive the keys: the proxy passes them on untouched
    List<RecordedRequest> seen = upstream.requests();
    assertTrue(seen.stream().anyMatch(r -> ANTHROPIC_KEY.equals(r.header("x-api-key"))), "the upstream got the Anthropic key");
    assertTrue(seen.stream().anyMatch(r -> ("Bearer " + OPENAI_KEY).equals(r.header("authorization"))), "the upstream got the OpenAI key");
    assertTrue(upstream.count("POST", "/v1/messages/count_tokens") >= 2, "the near-cap path ran");

    long rows = new Ledger(dataSource).number("SELECT COUNT(*) FROM requests WHERE session_id IN (?, ?)", session, capped);
    assertTrue(rows >= 10, "rows written: " + rows);
    // every place a key could end up
    assertNoCanary("answers to the client (status, headers, bodies)", String.join("\n", answers));
    assertNoCanary("the SQLite ledger, every table", dumpDatabase());
    awaitFile(JSONL);
    String jsonl = Files.readString(JSONL);
    assertTrue(jsonl.contains(session), "the JSONL ledger was written");
    assertNoCanary("the JSONL ledger", jsonl);
    awaitFile(LOG);
    String log = Files.readString(LOG);
    assertTrue(log.contains("DEBUG [dev.abg"), "DEBUG logging of abg was on");
    assertTrue(log.contains("ALLOW session=" + session), "the decision log went to the file too");
    assertNoCanary("the log file (DEBUG)", log);
  }

  private void keep(HttpResponse<String> response) {
    answers.add(response.statusCode() + " " + response.uri() + "\n" + response.headers().map() + "\n" + response.body());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String dumpDatabase() {
    Ledger ledger = new Ledger(dataSource);
    StringBuilder dump = new StringBuilder();
    List<Map<String, Object>> tables = ledger.query("SELECT name FROM sqlite_master WHERE type = 'table'");
    assertTrue(tables.size() >= 4, tables.toString());
    for (Map<String, Object> t : tables) {
      String name = (String) t.get("name");
      List<Map<String, Object>> rows = ledger.query("SELECT * FROM \"" + name.replace("\"", "\"\"") + "\"");
      dump.append(name).append(": ").append(rows).append('\n');
    }
    return dump.toString();
  }

  private static void assertNoCanary(String where, String text) {
    assertFalse(text.isEmpty(), where + " is empty");
    int at = text.indexOf(CANARY);
    assertEquals(-1, at, () -> "the canary key leaked into " + where + ": …" + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 100)) + "…");
    assertFalse(text.contains(RUN + "x9Q"), where);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 100 && !Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(file), file + " exists");
  }
}
