package dev.abg.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The floors of docs/architecture.md, held against the code: which package may import which, where JDBC may appear, and
 * how large a class may grow. Reads the sources as text (imports and fully qualified names), so it needs no extra library.
 */
class ArchitectureTests {

  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern OWN_REFERENCE = Pattern.compile("\\b(dev\\.abg(?:\\.[a-z]+)+)\\.[A-Z]\\w*");
  /** The value types of {@code spend} that its ledger stores (the vocabulary shared by the floors above it). */
  private static final List<String> LEDGER_MAY_NAME = List.of("dev.abg.spend.Usage", "dev.abg.spend.Provider", "dev.abg.spend.Money",
      "dev.abg.spend.UsageSource");

  /** Package → the packages of ours it may not name ({@code =P}: P itself, not the packages below it). */
  private static final Map<String, List<String>> FORBIDDEN = Map.ofEntries(
      Map.entry("dev.abg.text", List.of("dev.abg.config", "dev.abg.edge", "dev.abg.spend", "dev.abg.proxy", "dev.abg.admin")),
      Map.entry("dev.abg.config", List.of("dev.abg.edge", "dev.abg.spend", "dev.abg.proxy", "dev.abg.admin")),
      Map.entry("dev.abg.edge", List.of("dev.abg.spend", "dev.abg.proxy", "dev.abg.admin")),
      Map.entry("dev.abg.spend", List.of("dev.abg.edge", "dev.abg.proxy", "dev.abg.admin")),
      Map.entry("dev.abg.spend.price", List.of("dev.abg.edge", "dev.abg.proxy", "dev.abg.admin", "dev.abg.spend.ledger")),
      Map.entry("dev.abg.spend.ledger", List.of("dev.abg.edge", "dev.abg.proxy", "dev.abg.admin")),
      Map.entry("dev.abg.proxy", List.of("dev.abg.admin", "dev.abg.spend.ledger")),
      Map.entry("dev.abg.proxy.tap", List.of("dev.abg.admin", "dev.abg.spend.ledger", "dev.abg.edge", "=dev.abg.proxy")),
      Map.entry("dev.abg.proxy.bytes", List.of("dev.abg.spend", "dev.abg.admin", "dev.abg.edge", "dev.abg.proxy.tap", "=dev.abg.proxy")),
      Map.entry("dev.abg.admin", List.of("dev.abg.proxy")));

  @Test
  void shouldImportOnlyDownward() {
    List<String> wrong = new ArrayList<>();
    for (Path file : sources()) {
      String text = read(file);
      String pkg = packageOf(text);
      List<String> forbidden = FORBIDDEN.getOrDefault(pkg, List.of());
      Matcher m = OWN_REFERENCE.matcher(text);
      while (m.find()) {
        String name = m.group();
        String named = name.substring(0, name.lastIndexOf('.'));
        boolean bad = forbidden.stream().anyMatch(f -> f.startsWith("=") ? named.equals(f.substring(1)) : named.equals(f) || named.startsWith(f + "."));
        if (pkg.equals("dev.abg.spend.ledger") && name.startsWith("dev.abg.spend.") && !name.startsWith("dev.abg.spend.ledger.")
            && !LEDGER_MAY_NAME.contains(name)) {
          bad = true;
        }
        if (bad) {
          wrong.add(MAIN.relativize(file) + " names " + name);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void shouldKeepJdbcInTheLedger() {
    List<String> wrong = new ArrayList<>();
    for (Path file : sources()) {
      String text = read(file);
      if (text.contains("java.sql.") && !packageOf(text).equals("dev.abg.spend.ledger")) {
        wrong.add(MAIN.relativize(file).toString());
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void shouldKeepEveryClassUnderFiveHundredLines() {
    List<String> wrong = new ArrayList<>();
    for (Path file : sources()) {
      long lines = read(file).lines().count();
      if (lines > 500) {
        wrong.add(MAIN.relativize(file) + " has " + lines + " lines");
      }
    }
    assertEquals(List.of(), wrong);
  }

  private static List<Path> sources() {
    try (Stream<Path> walk = Files.walk(MAIN)) {
      return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String packageOf(String text) {
    Matcher m = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(text);
    return m.find() ? m.group(1) : "";
  }
}
