package dev.abg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.source.yaml.YamlConfigSource;

import dev.abg.testing.AbgScript;

/**
 * The {@code abg} script's read of the config file ({@code python3 abg.py config FILE KEY...}): the top-level {@code port} and
 * {@code admin_token} of tricky files, each value checked against what the proxy's own YAML source (SmallRye Config's) reads from
 * the same file; the forms it does not read, refused with the line; and the port as {@code abg status} then uses it. No proxy.
 */
@Timeout(120)
class AbgConfigFileIT {

  /** A config file, and the port and admin_token it holds ("" when the key is not set). */
  record Case(String name, String yaml, String port, String token) {
  }

  static final List<Case> CASES = List.of(
      new Case("comments after values", "port: 8790 # the port\nadmin_token: tok-0123456789abcdef   # the token\n", "8790", "tok-0123456789abcdef"),
      new Case("a quoted '#' is no comment", "port: '8791' # c\nadmin_token: \"abc # not a comment\"  # a comment\n", "8791", "abc # not a comment"),
      new Case("a '#' inside a plain value", "admin_token: abc#def\n", "", "abc#def"),
      new Case("a single quote doubled", "admin_token: 'it''s # x'\n", "", "it's # x"),
      new Case("double-quoted escapes", "admin_token: \"t\\u00e9\\x41 \\\"q\\\" \\\\\"\n", "", "téA \"q\" \\"),
      new Case("an empty quoted value", "admin_token: \"\"\nport: ''\n", "", ""),
      new Case("indented keys belong to their section", "pricing:\n  port: 1\n  admin_token: nested-0123456789\nport: 8792\n", "8792", ""),
      new Case("keys only in sections", "server:\n  port: 1234\n  admin_token: nested-0123456789\n", "", ""),
      new Case("deeper sections, then the key", "pricing:\n  claude:\n    port: 2\n  admin_token: x\n\nadmin_token: top-level\n", "", "top-level"),
      new Case("keys that are prefixes of others", "port_admin: 1\nportx: 2\nadmin_token_file: /x\nadmin_tokens: y\n", "", ""),
      new Case("the key among its prefixes", "admin_token_old: old\nport2: 3\nadmin_token: new\nport: 8793\nport_new: 4\nadmin_token2: z\n", "8793", "new"),
      new Case("YAML 1.1 booleans", "admin_token: yes\nport: off\n", "false", "true"),
      new Case("quoted booleans are text", "admin_token: 'yes'\nport: \"on\"\n", "on", "yes"),
      new Case("nulls", "admin_token: ~\nport: null\n", "", ""),
      new Case("nothing after the colon", "admin_token:\nport:   # none\n", "", ""),
      new Case("a number as written", "port: 08788\n", "08788", ""),
      new Case("a repeated key: the last", "port: 1\nport: 8794\n", "8794", ""),
      new Case("documents: a later one wins, not with a null", "port: 1\nadmin_token: first\n---\nport: 8795\nadmin_token:\n...\n", "8795", "first"),
      new Case("a directive and a document start", "%YAML 1.1\n---\nport: 8796\n", "8796", ""),
      new Case("a document that is a list gives no keys", "- port: 1\n---\nport: 8797\n", "8797", ""),
      new Case("a plain value folded over indented lines", "admin_token: abc\n  def   ghi\nport: 8798\n", "8798", "abc def   ghi"),
      new Case("the value on the next line", "admin_token:\n  # the token\n  on-the-next-line\nport: 8799\n", "8799", "on-the-next-line"),
      new Case("CRLF line ends and a byte-order mark", "\uFEFFport: 8800\r\nadmin_token: crlf\r\n", "8800", "crlf"),
      new Case("quoted keys", "\"port\": 8801\n'admin_token': quoted-key\n", "8801", "quoted-key"),
      new Case("spaces before the colon, trailing blanks", "port   : 8802 \t\nadmin_token: tok   \n", "8802", "tok"),
      new Case("a URL holds colons", "upstream_anthropic: http://127.0.0.1:9/x\nport: 8803 #x\n", "8803", ""),
      new Case("a list among the keys, at their indentation", "models:\n- a\n- b\nport: 8804\n", "8804", ""),
      new Case("an indented comment between keys", "port: 8805\n  # indented comment\nadmin_token: t\n", "8805", "t"),
      new Case("a block scalar in a key not asked for", "notes: |\n  port: 1\n  admin_token: in-a-block\nport: 8806\n", "8806", ""),
      new Case("the seed's example", "", "8788", ""));

  @TempDir
  Path dir;

  @Test
  void shouldReadTheTopLevelPortAndTokenAsTheProxysYamlSourceDoes() throws IOException {
    String example = Files.readString(Path.of(System.getProperty("user.dir"), "agentbillguard.yaml.example"));
    AbgScript cli = new AbgScript(dir, Map.of());
    for (Case c : CASES) {
      String yaml = c.name().equals("the seed's example") ? example : c.yaml();
      Path file = write(c.name(), yaml);
      YamlConfigSource proxy = new YamlConfigSource("test", yaml);
      assertEquals(c.port(), Objects.toString(proxy.getValue("port"), ""), "the proxy's read of port, " + c.name());
      assertEquals(c.token(), Objects.toString(proxy.getValue("admin_token"), ""), "the proxy's read of admin_token, " + c.name());

      AbgScript.Result r = cli.python("config", file.toString(), "port", "admin_token");
      assertEquals(0, r.exitCode(), c.name() + ": " + r);
      assertEquals(c.port() + "\n" + c.token() + "\n", r.stdout(), c.name() + ": " + r);
    }
  }

  @Test
  void shouldRefuseWhatItDoesNotReadNamingTheLine() {
    AbgScript cli = new AbgScript(dir, Map.of());
    // the key asked for in a form abg does not read; and files that the proxy refuses too
    for (List<String> c : List.of(
        List.of("admin_token: |\n  a block\n", "line 1: admin_token: abg reads plain and quoted values"),
        List.of("port: 1\nadmin_token: [a, b]\n", "line 2: admin_token: abg reads plain and quoted values"),
        List.of("admin_token: &token x\n", "line 1: admin_token: abg reads plain and quoted values"),
        List.of("admin_token:\n  - a\n", "line 1: admin_token: a list, not a value"),
        List.of("admin_token: a: b\n", "line 1: admin_token: a plain value may not hold ': ' (quote it)"),
        List.of("admin_token: \"one\\ntwo\"\n", "admin_token: the value must be one line"),
        List.of("port: 1\nadmin_token: 'not\n  closed'\n", "line 2: a quote that does not end on its line"),
        List.of("port: 1\n- item\n", "line 2: expected 'key: value'"),
        List.of("port: 1\n\tadmin_token: x\n", "line 2: a tab in the indentation"),
        List.of("port:8788\nadmin_token: t\n", "line 2: a key after a first line that is no 'key: value' (line 1)"))) {
      Path file = write("refused", c.get(0));
      AbgScript.Result r = cli.python("config", file.toString(), "port", "admin_token");
      assertEquals(2, r.exitCode(), r.toString());
      assertEquals("", r.stdout(), r.toString());
      assertTrue(r.stderr().startsWith("abg: cannot read the config file " + file + ": " + c.get(1)), r.toString());
    }
  }

  @Test
  void shouldTakeThePortFromTheConfigFileAndSayWhenItCannotReadIt() throws IOException {
    int port = freePort();
    Path cwd = dir.resolve("cwd");
    Files.createDirectories(cwd);
    Files.writeString(cwd.resolve("agentbillguard.yaml"), "pricing:\n  port: 1\nport_old: 2\nport: \"" + port + "\"   # the proxy's port\n");
    AbgScript cli = new AbgScript(cwd, Map.of());
    AbgScript.Result down = cli.run("status");
    assertEquals(3, down.exitCode(), down.toString());
    assertEquals("abg: no proxy answers at http://127.0.0.1:" + port + " — start it with: abg proxy\n", down.stderr(), down.toString());

    Path bad = write("bad", "port: 8788\nadmin_token: \"unterminated\n");
    AbgScript.Result refused = cli.run("sessions", "--config", bad.toString());
    assertEquals(2, refused.exitCode(), refused.toString());
    assertEquals("abg: cannot read the config file " + bad + ": line 2: a quote that does not end on its line (abg reads quoted values that do)\n",
        refused.stderr(), refused.toString());

    AbgScript.Result line = cli.run("{\"session_id\":\"s1\"}", Map.of(), Duration.ofSeconds(30), "statusline", "--config", bad.toString());
    assertEquals(0, line.exitCode(), line.toString());
    assertEquals("abg: cannot read the config file\n", line.stdout(), line.toString());
  }

  private Path write(String name, String yaml) {
    try {
      Path file = Files.createTempFile(dir, name.replaceAll("[^a-z]+", "-"), ".yaml");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
