package dev.abg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTests {

  private static final BudgetSettings START = new BudgetSettings(new BigDecimal("5.0"), Optional.of(new BigDecimal("20.0")), new BigDecimal("0.8"), true);

  @TempDir
  Path dir;

  private static void edit(Path file, String yaml, int secondsLater) throws Exception {
    Files.writeString(file, yaml);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
  }

  @Test
  void shouldApplyAGoodEditAndRejectABadOneKeepingTheOldValues() throws Exception {
    Path file = dir.resolve("agentbillguard.yaml");
    Files.writeString(file, "session_budget_usd: 5.0\ndaily_budget_usd: 20.0\nport: 8788\n");
    List<BudgetSettings> applied = new CopyOnWriteArrayList<>();
    ConfigWatcher watcher = new ConfigWatcher(file, START, applied::add);

    watcher.check();
    assertTrue(applied.isEmpty(), "nothing changed");

    edit(file, "session_budget_usd: 3\ndaily_budget_usd: off\nwarn_at: 0.5\nblock_on_limit: false\nport: 8788\n", 5);
    watcher.check();
    assertEquals(1, applied.size());
    BudgetSettings now = applied.get(0);
    assertEquals(0, now.sessionBudgetUsd().compareTo(new BigDecimal("3")));
    assertTrue(now.dailyBudgetUsd().isEmpty());
    assertEquals(0, now.warnAt().compareTo(new BigDecimal("0.5")));
    assertEquals(false, now.blockOnLimit());

    edit(file, "session_budget_usd: -1\n", 10);
    watcher.check();
    edit(file, "this is: [not yaml\n", 15);
    watcher.check();
    edit(file, "- a list\n- not a mapping\n", 20);
    watcher.check();
    assertEquals(1, applied.size(), "bad edits are rejected");

    edit(file, "session_budget_usd: 7\n", 25);
    watcher.check();
    assertEquals(2, applied.size());
    assertEquals(0, applied.get(1).sessionBudgetUsd().compareTo(new BigDecimal("7")));
  }

  @Test
  void shouldIgnoreEditsOfOtherKeys() throws Exception {
    Path file = dir.resolve("agentbillguard.yaml");
    Files.writeString(file, "session_budget_usd: 5.0\ndaily_budget_usd: 20.0\n");
    List<BudgetSettings> applied = new CopyOnWriteArrayList<>();
    ConfigWatcher watcher = new ConfigWatcher(file, START, applied::add);
    edit(file, "session_budget_usd: 5.0\ndaily_budget_usd: 20.0\nport: 9999\n", 5);
    watcher.check();
    assertTrue(applied.isEmpty());
  }
}
