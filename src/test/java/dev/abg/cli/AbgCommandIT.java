package dev.abg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AbgScript;
import dev.abg.testing.AdminClient;
import dev.abg.testing.FakeUpstream;
import dev.abg.testing.PackagedProxy;

/**
 * Every subcommand of the {@code abg} script against the packaged proxy (with an admin token) and a fake upstream: output,
 * exit codes (0 ok, 1 API error, 2 usage, 3 no proxy), and the proxy-not-running case. {@code abg run} with stand-in agents
 * here; with the real Claude Code and Codex in {@link AbgRunAgentsIT}.
 */
@Timeout(120)
@PackagedProxy(adminToken = AbgCommandIT.TOKEN, config = {"session_budget_usd: 5", "daily_budget_usd: 20"})
class AbgCommandIT {

  static final String TOKEN = "it-admin-token-0123456789";
  static final String MODEL = "claude-sonnet-4-6";

  static AbgProcess abg;
  static AdminClient admin;
  static FakeUpstream upstream;
  static AbgScript cli;
  static Path dir;

  @BeforeAll
  static void start(AbgProcess proxy, AdminClient adminClient, FakeUpstream fake, @TempDir Path tmp) {
    dir = tmp;
    upstream = fake;
    // 10,000 input × $3 + 1,000 output × $15 per MTok = $0.045 a request
    upstream.config().anthropicUsage(10_000, 0, 0, 0, 1_000);
    abg = proxy;
    admin = adminClient;
    cli = new AbgScript(tmp.resolve("cwd"), Map.of("ABG_URL", abg.baseUrl(), "ABG_ADMIN_TOKEN", TOKEN));
  }

  @Test
  void shouldShowTodaysSpendAndTheSessionsSeenToday() {
    admin.createSession("st-1", "2", null);
    assertEquals(200, admin.claudeRequest("st-1", MODEL));

    AbgScript.Result status = cli.run("status");
    assertEquals(0, status.exitCode(), status.toString());
    assertTrue(status.stdout().startsWith("today " + LocalDate.now() + ": $"), status.toString());
    assertTrue(status.stdout().contains(" of $20.00 daily cap ("), status.toString());
    assertTrue(status.stdout().contains("session cap $5.00, warn at 80%, blocking"), status.toString());
    assertLine(status.stdout(), "st-1\\s+active\\s+\\$0\\.05\\s+\\$2\\.00\\s+2%\\s+\\$1\\.96");

    AbgScript.Result json = cli.run("status", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonObject body = new JsonObject(json.stdout());
    assertEquals(0.045, body.getJsonObject("session_budgets").getJsonObject("st-1").getDouble("spent_usd"), 1e-9);
  }

  @Test
  void shouldShowControlCharactersOfLabelsAndIdsEscapedNeverRaw() {
    // a label that would clear the screen, set the window title and ring the bell if printed as it is
    admin.createSession("esc-1", "2", "\u001b[2J\u001b]0;owned\u0007Fix\nlogin\u202e");
    AbgScript.Result table = cli.run("sessions");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.stdout().chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), "no raw control character: " + table);
    assertLine(table.stdout(), "esc-1\\s+active\\s+.*\\Q\\x1b[2J\\x1b]0;owned\\x07Fix\\nlogin\\u202e\\E");
    AbgScript.Result reset = cli.run("reset", "esc-1");
    assertEquals(0, reset.exitCode(), reset.toString());
    assertTrue(reset.stdout().startsWith("reset esc-1: $0.00 of $2.00 spent"), reset.toString());
  }

  @Test
  void shouldListEverySessionWithItsNumbersAndFilterByState() {
    admin.createSession("ls-1", "0.5", "Fix login");
    admin.createSession("ls-2", "0.04", null);
    assertEquals(200, admin.claudeRequest("ls-1", MODEL));
    assertEquals(200, admin.claudeRequest("ls-2", MODEL)); // $0.045 of $0.04: blocked from now on

    AbgScript.Result table = cli.run("sessions");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.stdout().startsWith("SESSION"), table.toString());
    assertLine(table.stdout(), "ls-1\\s+active\\s+\\$0\\.05\\s+\\$0\\.50\\s+9%\\s+\\$0\\.46\\s+1\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+Fix login");
    assertLine(table.stdout(), "ls-2\\s+blocked\\s+\\$0\\.05\\s+\\$0\\.04\\s+112%\\s+\\$0\\.00\\s+1\\s+.*"); // 112.5 %, rounded down

    AbgScript.Result blocked = cli.run("sessions", "--state", "blocked", "--json");
    assertEquals(0, blocked.exitCode(), blocked.toString());
    JsonArray items = new JsonObject(blocked.stdout()).getJsonArray("items");
    assertTrue(items.stream().map(o -> ((JsonObject) o).getString("id")).toList().contains("ls-2"), blocked.toString());
    assertTrue(items.stream().allMatch(o -> ((JsonObject) o).getString("state").equals("blocked")), blocked.toString());

    AbgScript.Result bad = cli.run("sessions", "--state", "broke");
    assertEquals(2, bad.exitCode(), bad.toString());
  }

  @Test
  void shouldRaiseABlockedSessionSoThatItsNextRequestPasses() {
    admin.createSession("rs-1", "0.04", null);
    assertEquals(200, admin.claudeRequest("rs-1", MODEL));
    assertEquals(402, admin.claudeRequest("rs-1", MODEL), "blocked at its $0.04 cap");

    AbgScript.Result raise = cli.run("raise", "rs-1", "1");
    assertEquals(0, raise.exitCode(), raise.toString());
    assertEquals("raised rs-1: $0.05 of $1.04 spent (4%), $1.00 left, active\n", raise.stdout()); // 0.995 left, half-up
    assertEquals(200, admin.claudeRequest("rs-1", MODEL), "the block is lifted");

    AbgScript.Result json = cli.run("raise", "rs-1", "$0.50", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    assertEquals(1.54, new JsonObject(json.stdout()).getDouble("cap_usd"), 1e-9);

    AbgScript.Result unknown = cli.run("raise", "no-such-session", "1");
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.stderr().startsWith("abg: No session 'no-such-session'."), unknown.toString());

    AbgScript.Result tooMuch = cli.run("raise", "rs-1", "0.0000001");
    assertEquals(1, tooMuch.exitCode(), "more than 6 decimals: the API's 400 " + tooMuch);
    assertTrue(tooMuch.stderr().contains("raise_usd"), tooMuch.toString());

    assertEquals(2, cli.run("raise", "rs-1").exitCode());
    assertEquals(2, cli.run("raise", "rs-1", "lots").exitCode());
    assertEquals(2, cli.run("raise", "bad id!", "1").exitCode());
  }

  @Test
  void shouldResetASessionsSpendAndKeepItsLedgerRows() {
    admin.createSession("rz-1", "0.04", null);
    assertEquals(200, admin.claudeRequest("rz-1", MODEL));

    AbgScript.Result reset = cli.run("reset", "rz-1");
    assertEquals(0, reset.exitCode(), reset.toString());
    assertEquals("reset rz-1: $0.00 of $0.04 spent (0%), $0.04 left, active\n", reset.stdout());
    assertEquals(200, admin.claudeRequest("rz-1", MODEL), "active again");
    assertEquals(2, admin.session("rz-1").getLong("lifetime_requests"));

    AbgScript.Result unknown = cli.run("reset", "no-such-session");
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertEquals(2, cli.run("reset").exitCode());
  }

  @Test
  void shouldExportTheLedgerAsJsonLines() {
    admin.createSession("ex-1", null, null);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, admin.claudeRequest("ex-1", MODEL));
    }
    AbgScript.Result export = cli.run("export", "--session", "ex-1", "--since", LocalDate.now().toString());
    assertEquals(0, export.exitCode(), export.toString());
    List<JsonObject> lines = export.stdout().lines().map(JsonObject::new).toList();
    assertEquals(3, lines.size(), export.toString());
    assertTrue(lines.stream().allMatch(l -> l.getString("session_id").equals("ex-1") && l.getString("model").equals(MODEL)), export.toString());
    assertEquals(0.135, lines.get(2).getDouble("session_total_usd"), 1e-9, "oldest first, like the ledger file");

    AbgScript.Result all = cli.run("export");
    assertEquals(0, all.exitCode(), all.toString());
    assertTrue(all.stdout().lines().count() >= 3, all.toString());

    AbgScript.Result none = cli.run("export", "--session=ex-1", "--until=2000-01-01");
    assertEquals(0, none.exitCode(), none.toString());
    assertEquals("", none.stdout());

    AbgScript.Result badDate = cli.run("export", "--since", "yesterday");
    assertEquals(1, badDate.exitCode(), badDate.toString());
    assertEquals("", badDate.stdout(), "a problem is never written as ledger lines");
    assertTrue(badDate.stderr().contains("since: must be an ISO-8601 instant"), badDate.toString());

    assertEquals(1, cli.run("export", "--session", "no-such-session").exitCode());
    assertEquals(2, cli.run("export", "--bogus").exitCode());
  }

  @Test
  void shouldRunAnAgentUnderItsSessionWithTheCapAndPassOnItsExitCode() {
    Path bin = dir.resolve("bin");
    Path claude = AbgScript.executable(bin.resolve("claude"), "echo \"ANTHROPIC_BASE_URL=$ANTHROPIC_BASE_URL OPENAI_BASE_URL=${OPENAI_BASE_URL:-} "
        + "ABG_SESSION=$ABG_SESSION ABG_URL=$ABG_URL args=$*\"; exit 7");
    Path codex = AbgScript.executable(bin.resolve("codex"), "printf '%s\\n' \"$@\"; echo \"CODEX_API_KEY=${CODEX_API_KEY:-}\"");
    Path other = AbgScript.executable(bin.resolve("my-agent"), "echo \"$ANTHROPIC_BASE_URL $OPENAI_BASE_URL\"");

    AbgScript.Result run = cli.run("", Map.of(), Duration.ofSeconds(30), "run", "--session", "run-1", "--cap", "2.5", "--label", "Fix login", "--",
        claude.toString(), "-p", "say hi");
    assertEquals(7, run.exitCode(), "the agent's exit code: " + run);
    String base = abg.baseUrl() + "/s/run-1";
    assertEquals("ANTHROPIC_BASE_URL=" + base + " OPENAI_BASE_URL= ABG_SESSION=run-1 ABG_URL=" + abg.baseUrl() + " args=-p say hi\n", run.stdout());
    assertTrue(run.stderr().contains("[abg] session run-1: $0.00 of $2.50 spent (0%), $2.50 left, active"), run.toString());
    JsonObject created = admin.session("run-1");
    assertEquals(2.5, created.getDouble("cap_usd"), 1e-9);
    assertEquals("Fix login", created.getString("label"));

    // it exists now (409): --cap sets its cap; without --cap it is used as it is
    AbgScript.Result again = cli.run("", Map.of("OPENAI_API_KEY", "sk-test-user-key"), Duration.ofSeconds(30), "run", "--session", "run-1", "--cap",
        "3", "--", codex.toString(), "exec", "say hi");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals("-c\nopenai_base_url=\"" + base + "/v1\"\nexec\nsay hi\nCODEX_API_KEY=sk-test-user-key\n", again.stdout(),
        "-c right after the codex word, the key from OPENAI_API_KEY");
    assertEquals(3.0, admin.session("run-1").getDouble("cap_usd"), 1e-9);

    AbgScript.Result keep = cli.run("", Map.of("OPENAI_API_KEY", "sk-a", "CODEX_API_KEY", "sk-b"), Duration.ofSeconds(30), "run", "--session", "run-1",
        "--", codex.toString(), "exec", "x");
    assertTrue(keep.stdout().endsWith("CODEX_API_KEY=sk-b\n"), "a CODEX_API_KEY of the user's own is kept: " + keep);
    assertEquals(3.0, admin.session("run-1").getDouble("cap_usd"), 1e-9);

    AbgScript.Result generic = cli.run("run", "--session", "run-2", "--", other.toString());
    assertEquals(0, generic.exitCode(), generic.toString());
    assertEquals(abg.baseUrl() + "/s/run-2 " + abg.baseUrl() + "/s/run-2/v1\n", generic.stdout());
    assertEquals(5.0, admin.session("run-2").getDouble("cap_usd"), 1e-9, "no --cap: the default");

    admin.json("POST", "/abg/sessions/run-2/close", null);
    AbgScript.Result closed = cli.run("run", "--session", "run-2", "--", other.toString());
    assertEquals(1, closed.exitCode(), closed.toString());
    assertTrue(closed.stderr().contains("session 'run-2' is closed"), closed.toString());
    assertEquals("", closed.stdout(), "the agent was not started");

    assertEquals(2, cli.run("run", "--session", "run-3").exitCode(), "no agent command");
    assertEquals(2, cli.run("run", "--", other.toString()).exitCode(), "no session");
    assertEquals(2, cli.run("run", "--session", "run-3", "--cap", "much", "--", other.toString()).exitCode());
  }

  @Test
  void shouldPrintOneStatusLineForClaudeCodeAndAlwaysExitZero() {
    admin.createSession("sl-1", "1", null);
    assertEquals(200, admin.claudeRequest("sl-1", MODEL));
    admin.createSession("sl-2", "0.05", null);
    assertEquals(200, admin.claudeRequest("sl-2", MODEL)); // $0.045 of $0.05: past 80 %
    admin.createSession("sl-3", "0.04", null);
    assertEquals(200, admin.claudeRequest("sl-3", MODEL)); // past the cap: blocked

    // $0.045 of $1: 4.5 %, rounded down
    assertStatusLine("abg $0.05 / $1.00 (4%)", "{\"session_id\":\"sl-1\",\"model\":{\"id\":\"claude-opus-5-5\"},\"cwd\":\"/tmp\"}", Map.of());
    assertStatusLine("abg warn $0.05 / $0.05 (90%)", "{\"session_id\": \"sl-2\"}", Map.of());
    assertStatusLine("abg blocked $0.05 / $0.04", "{\"session_id\":\"sl-3\"}", Map.of());
    // Claude Code's own id is unknown to abg when abg run named the session in the URL: ABG_SESSION (set by abg run) is next
    assertStatusLine("abg $0.05 / $1.00 (4%)", "{\"session_id\":\"5b0c3f7e-0000-4000-8000-000000000000\"}", Map.of("ABG_SESSION", "sl-1"));
    assertStatusLine("abg: no spend yet", "{\"session_id\":\"5b0c3f7e-0000-4000-8000-000000000000\"}", Map.of());
    assertStatusLine("abg: no spend yet", "not json", Map.of());
    assertStatusLine("abg: set ABG_ADMIN_TOKEN", "{\"session_id\":\"sl-1\"}", Map.of("ABG_ADMIN_TOKEN", "wrong-token-0123456789"));
    assertStatusLine("abg: proxy down", "{\"session_id\":\"sl-1\"}", Map.of("ABG_URL", "http://127.0.0.1:" + freePort()));
  }

  @Test
  void shouldRoundThePercentOfACapDownAsTheProxysMessagesDo() {
    // 275,000 input tokens × $3 per MTok = $0.825, 82.5 % of a $1 cap: 82 %; 333,000 = $0.999: 99 %, not a 100 % before the cap
    try {
      upstream.config().anthropicUsage(275_000, 0, 0, 0, 0);
      admin.createSession("pc-1", "1", null);
      assertEquals(200, admin.claudeRequest("pc-1", MODEL));
      upstream.config().anthropicUsage(333_000, 0, 0, 0, 0);
      admin.createSession("pc-2", "1", null);
      assertEquals(200, admin.claudeRequest("pc-2", MODEL));
    } finally {
      upstream.config().anthropicUsage(10_000, 0, 0, 0, 1_000);
    }

    assertStatusLine("abg warn $0.83 / $1.00 (82%)", "{\"session_id\":\"pc-1\"}", Map.of());
    assertStatusLine("abg warn $1.00 / $1.00 (99%)", "{\"session_id\":\"pc-2\"}", Map.of());

    AbgScript.Result table = cli.run("sessions", "--state", "warn");
    assertEquals(0, table.exitCode(), table.toString());
    assertLine(table.stdout(), "pc-1\\s+warn\\s+\\$0\\.83\\s+\\$1\\.00\\s+82%\\s+\\$0\\.18\\s+1\\s+.*");
    assertLine(table.stdout(), "pc-2\\s+warn\\s+\\$1\\.00\\s+\\$1\\.00\\s+99%\\s+\\$0\\.00\\s+1\\s+.*");

    AbgScript.Result status = cli.run("status");
    assertEquals(0, status.exitCode(), status.toString());
    assertLine(status.stdout(), "pc-1\\s+warn\\s+\\$0\\.83\\s+\\$1\\.00\\s+82%\\s+\\$0\\.18");
    assertTrue(status.stdout().contains("! Budget warning: session 'pc-1' $0.83/1.00 (82%)."), "the proxy's own message agrees: " + status);

    AbgScript.Result run = cli.run("run", "--session", "pc-1", "--", "true");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.stderr().contains("[abg] session pc-1: $0.83 of $1.00 spent (82%), $0.18 left, warn"), run.toString());
  }

  @Test
  void shouldTakeTheAdminTokenFromTheConfigFilesTopLevelOnly() throws IOException {
    Path cwd = dir.resolve("token");
    Files.createDirectories(cwd);
    Map<String, String> noTokenInTheEnvironment = new HashMap<>();
    noTokenInTheEnvironment.put("ABG_ADMIN_TOKEN", null);

    Files.writeString(cwd.resolve("agentbillguard.yaml"), "pricing:\n  admin_token: wrong-token-0123456789\nadmin_token_old: old-token-0123456789\n"
        + "admin_token: \"" + TOKEN + "\"   # quoted, a comment after it\n");
    AbgScript.Result ok = new AbgScript(cwd, Map.of("ABG_URL", abg.baseUrl())).run("", noTokenInTheEnvironment, Duration.ofSeconds(30), "status");
    assertEquals(0, ok.exitCode(), ok.toString());

    Files.writeString(cwd.resolve("agentbillguard.yaml"), "pricing:\n  admin_token: " + TOKEN + "\n");
    AbgScript.Result nested = new AbgScript(cwd, Map.of("ABG_URL", abg.baseUrl())).run("", noTokenInTheEnvironment, Duration.ofSeconds(30), "status");
    assertEquals(1, nested.exitCode(), "a section's admin_token is not the token: " + nested);
    assertTrue(nested.stderr().startsWith("abg: The admin API needs 'Authorization: Bearer <admin_token>'"), nested.toString());
  }

  @Test
  void shouldSayThatNoProxyAnswersAndExitThree() throws IOException {
    int port = freePort();
    String message = "abg: no proxy answers at http://127.0.0.1:" + port + " — start it with: abg proxy\n";
    // the port comes from ./agentbillguard.yaml when neither --url nor ABG_URL is given
    Path cwd = dir.resolve("down");
    Files.createDirectories(cwd);
    Files.writeString(cwd.resolve("agentbillguard.yaml"), "session_budget_usd: 5\nport: " + port + "   # the proxy's port\n");
    AbgScript down = new AbgScript(cwd, Map.of());
    for (List<String> args : List.of(List.of("status"), List.of("sessions", "--json"), List.of("raise", "x", "1"), List.of("reset", "x"),
        List.of("export", "--session", "x"), List.of("run", "--session", "x", "--", "true"))) {
      AbgScript.Result r = down.run(args.toArray(String[]::new));
      assertEquals(3, r.exitCode(), r.toString());
      assertEquals(message, r.stderr(), r.toString());
      assertEquals("", r.stdout(), r.toString());
    }
    AbgScript.Result url = cli.run("", Map.of(), Duration.ofSeconds(30), "status", "--url", "http://127.0.0.1:" + port);
    assertEquals(3, url.exitCode(), "--url wins over ABG_URL: " + url);
  }

  @Test
  void shouldPrintTheProblemWhenTheTokenIsMissingOrWrong() {
    AbgScript.Result missing = cli.run("", Map.of("ABG_ADMIN_TOKEN", ""), Duration.ofSeconds(30), "status");
    assertEquals(1, missing.exitCode(), missing.toString());
    assertTrue(missing.stderr().startsWith("abg: The admin API needs 'Authorization: Bearer <admin_token>'"), missing.toString());
    AbgScript.Result wrong = cli.run("", Map.of("ABG_ADMIN_TOKEN", "wrong-token-0123456789"), Duration.ofSeconds(30), "sessions");
    assertEquals(1, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.stderr().contains("the token was wrong"), wrong.toString());
  }

  @Test
  void shouldAnswerUsageErrorsWithTwoAndHelpWithZero() {
    AbgScript.Result unknown = cli.run("frobnicate");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.stderr().contains("abg: unknown command: frobnicate"), unknown.toString());
    assertEquals(2, cli.run("status", "extra").exitCode());
    AbgScript.Result help = cli.run("--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.stdout().contains("raise NAME USD"), help.toString());
    assertEquals(0, cli.run("sessions", "--help").exitCode());
  }

  @Test
  void shouldListThePricesInForceAndSayHowAModelIsPriced() {
    AbgScript.Result table = cli.run("prices");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.stdout().startsWith("price table builtin-2026-12-04 (built in: builtin-2026-12-04)"), table.stdout());
    assertLine(table.stdout(), "claude-opus-5-5 +anthropic +4\\.00 +20\\.00 +5\\.00 +8\\.00 +0\\.20 +- +fast *");
    assertLine(table.stdout(), "gpt-6\\.2-sol +openai +2\\.00 +10\\.00 +2\\.50 +- +0\\.10 +>272k +fast,ultrafast,ultrafast@2027-03-01 *");

    AbgScript.Result known = cli.run("prices", "--check", "claude-haiku-5-5");
    assertEquals(0, known.exitCode(), known.toString());
    assertTrue(known.stdout().startsWith("claude-haiku-5-5 (anthropic) is priced as claude-haiku-5-5, exactly, in price table builtin-2026-12-04"),
        known.stdout());
    assertTrue(known.stdout().contains("above 100000 prompt tokens the whole request: input 0.50, output 2.50"), known.stdout());
    AbgScript.Result unknown = cli.run("prices", "--check", "gpt-7", "--provider", "openai");
    assertTrue(unknown.stdout().startsWith("gpt-7 (openai) is priced as gpt-5.6, by the unknown-model rule (newest of family gpt)"), unknown.stdout());
    AbgScript.Result bad = cli.run("prices", "--provider", "openai");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.stderr().contains("--provider goes with --check MODEL"), bad.toString());
  }

  @Test
  void shouldExportWithWhatEachRowCostsUnderTheTableInForce() {
    admin.createSession("rp-1", "2", null);
    assertEquals(200, admin.claudeRequest("rp-1", MODEL));
    AbgScript.Result export = cli.run("export", "--session", "rp-1", "--reprice");
    assertEquals(0, export.exitCode(), export.toString());
    // 10,000 input × $3 + 1,000 output × $15 per MTok = $0.045, charged and repriced alike
    assertTrue(export.stdout().contains("\"cost_usd\":0.045") && export.stdout().contains("\"repriced_cost_usd\":0.045"), export.stdout());
  }

  private static void assertStatusLine(String expected, String stdin, Map<String, String> env) {
    AbgScript.Result r = cli.run(stdin, env, Duration.ofSeconds(30), "statusline");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(expected + "\n", r.stdout(), r.toString());
    assertTrue(r.duration().toMillis() < 5_000, "fast: " + r.duration().toMillis() + " ms");
  }

  private static void assertLine(String text, String regex) {
    Pattern p = Pattern.compile(regex);
    assertTrue(text.lines().anyMatch(l -> p.matcher(l).matches()), "no line matches /" + regex + "/ in:\n" + text);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
