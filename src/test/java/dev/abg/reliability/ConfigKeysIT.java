package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.AdminClient;
import io.vertx.core.json.JsonObject;

/**
 * The packaged proxy with a config file that holds a key it does not know: a typo, or a key of a feature abg does not
 * have. At start it stops, naming the key and the nearest known one; on a live edit it refuses the edit and keeps the
 * values in force.
 */
@Timeout(180)
class ConfigKeysIT {

  @TempDir
  Path dir;

  @Test
  void shouldRefuseToStartWithATypo() {
    AbgProcess.Exit exit = AbgProcess.runToExit(dir.resolve("typo"), Map.of("sesion_budget_usd", "3"), Duration.ofSeconds(90));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("unknown key 'sesion_budget_usd' — did you mean 'session_budget_usd'?"), exit.log());
    assertTrue(!exit.log().contains("Listening on"), "it never listened: " + exit.log());
  }

  @Test
  void shouldRefuseToStartWithAKeyOfAFeatureThatDoesNotExist() {
    AbgProcess.Exit exit = AbgProcess.runToExit(dir.resolve("weekly"), Map.of("weekly_budget_usd", "30"), Duration.ofSeconds(90));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("unknown key 'weekly_budget_usd' — did you mean 'daily_budget_usd'?"), exit.log());
  }

  @Test
  void shouldRefuseALiveEditWithAnUnknownKeyAndKeepTheValuesInForce() throws Exception {
    try (AbgProcess abg = AbgProcess.start(dir.resolve("live"), Map.of("session_budget_usd", "5"))) {
      AdminClient admin = new AdminClient(abg.baseUrl(), null);
      Path file = dir.resolve("live").resolve("agentbillguard.yaml");
      String good = Files.readString(file);

      edit(file, good.replace("session_budget_usd: 5", "session_budget_usd: 1") + "alerts:\n  slack: https://hooks.example/x\n", 5);
      awaitLog(abg, "unknown key 'alerts'");
      assertEquals(5.0, admin.json("GET", "/abg/budgets", null).getDouble("session_budget_usd"), "the edit was refused: $5 still in force");

      edit(file, good.replace("session_budget_usd: 5", "sesion_budget_usd: 1"), 10);
      awaitLog(abg, "unknown key 'sesion_budget_usd' — did you mean 'session_budget_usd'?");
      assertEquals(5.0, admin.json("GET", "/abg/budgets", null).getDouble("session_budget_usd"));

      edit(file, good.replace("session_budget_usd: 5", "session_budget_usd: 2"), 15);
      JsonObject budgets = null;
      for (int i = 0; i < 100; i++) {
        budgets = admin.json("GET", "/abg/budgets", null);
        if (budgets.getDouble("session_budget_usd") == 2.0) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals(2.0, budgets.getDouble("session_budget_usd"), "a good edit still applies");
    }
  }

  private static void edit(Path file, String yaml, int secondsLater) throws Exception {
    Files.writeString(file, yaml);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
  }

  private static void awaitLog(AbgProcess abg, String text) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (abg.log().contains(text)) {
        assertTrue(abg.log().contains("CONFIG rejected the edit"), abg.log());
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the log never said " + text + ":\n" + abg.log());
  }
}
