package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AgentRequest;
import dev.abg.testing.PackagedProxy;

/**
 * What the packaged proxy exposes: it listens on loopback unless told otherwise, refuses to listen anywhere else without an
 * admin token, and keeps its ledger files (database, WAL, shared memory, JSONL) and the data directory readable by the owner only.
 */
@Timeout(120)
@PackagedProxy(start = false)
class ExposureIT {

  @Test
  void shouldRefuseToStartOnANonLoopbackAddressWithoutAnAdminToken(PackagedProxy.Launcher launcher) {
    AbgProcess.Exit exit = launcher.runToExit(Map.of("bind", "0.0.0.0"), Duration.ofSeconds(90));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("refusing to listen on bind = '0.0.0.0' without admin_token: anyone who can reach this address could raise caps "
        + "and read the ledger. Set admin_token (16+ characters) or bind to 127.0.0.1."), exit.log());
    assertTrue(!exit.log().contains("Listening on"), "it never listened: " + exit.log());
  }

  @Test
  void shouldListenOnLoopbackOnlyAndCreateItsFilesOwnerOnly(PackagedProxy.Launcher launcher) throws Exception {
    AbgProcess abg = launcher.start(Map.of("ledger_file", "ledger.jsonl"));
    Path dir = abg.dir();
    List<String> listening = listeningAddresses(abg.port());
    assertEquals(List.of("127.0.0.1"), listening, "bound to loopback only");
    assertTrue(abg.log().contains("Listening on: http://127.0.0.1:" + abg.port()), abg.log());

    HttpResponse<String> response = HttpClient.newHttpClient().send(AgentRequest.anthropic("claude-sonnet-4-6").maxTokens(10).without("stream")
        .noTurns().http(abg.baseUrl()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());

    assertEquals("rwx------", mode(dir.resolve("data")), "the data directory");
    for (String file : List.of("data/abg.db", "data/abg.db-wal", "data/abg.db-shm", "ledger.jsonl")) {
      Path path = dir.resolve(file);
      assertTrue(Files.exists(path), file + " exists while the proxy runs");
      assertEquals("rw-------", mode(path), file);
    }
  }

  private static String mode(Path path) throws java.io.IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  /** The local addresses of the listening TCP sockets on this port, from /proc/net/tcp and tcp6. */
  private static List<String> listeningAddresses(int port) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals("0A")) {
          continue;                                        // 0A = LISTEN
        }
        String[] local = f[1].split(":");
        if (local.length == 2 && local[1].equals(hexPort)) {
          out.add(decode(local[0]));
        }
      }
    }
    return out;
  }

  private static String decode(String hex) {
    if (hex.length() == 8) {                               // IPv4, little-endian
      return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
          + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
    }
    if (hex.startsWith("0000000000000000FFFF0000")) {      // an IPv4-mapped IPv6 address (Netty's IPv6 socket)
      return decode(hex.substring(24));
    }
    return hex.equals("00000000000000000000000000000000") ? "::" : hex.equals("00000000000000000000000001000000") ? "::1" : hex;
  }
}
