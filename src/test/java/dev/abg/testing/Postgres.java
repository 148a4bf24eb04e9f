package dev.abg.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL server the team-mode tests run against: {@code ABG_TEST_PG_URL}, else the one these machines and CI run
 * on 127.0.0.1:5432 (trust authentication, database {@code test}). Each test gets a schema of its own.
 */
public final class Postgres {

  public static final String BASE_URL = System.getenv().getOrDefault("ABG_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = System.getenv().getOrDefault("ABG_TEST_PG_USER", "postgres");
  public static final String SKIP_LINE = "PostgreSQL tests SKIPPED: no PostgreSQL server answers at " + BASE_URL
      + " (start one: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; or set ABG_TEST_PG_URL)";

  private static final AtomicBoolean SAID = new AtomicBoolean();
  private static volatile Boolean available;

  private Postgres() {
  }

  /** Whether the server answers; when it does not, says so once on the console (never a silent skip). */
  public static boolean available() {
    if (available == null) {
      available = probe();
    }
    if (!available && SAID.compareAndSet(false, true)) {
      System.err.println(SKIP_LINE);
    }
    return available;
  }

  private static boolean probe() {
    String hostPort = BASE_URL.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
    String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
    int port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)) : 5432;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
    } catch (java.io.IOException e) {
      return false;
    }
    try (Connection c = DriverManager.getConnection(BASE_URL, USER, "")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static final AtomicBoolean SWEPT = new AtomicBoolean();

  /**
   * A new, empty schema's name, which carries its creation time. The first call of a test run drops the schemas that
   * earlier runs left more than an hour ago (the Quarkus test profiles cannot drop theirs when the application stops).
   */
  public static String newSchema() {
    if (SWEPT.compareAndSet(false, true)) {
      dropSchemasOlderThan(System.currentTimeMillis() / 1000 - 3600);
    }
    return "abg_test_" + System.currentTimeMillis() / 1000 + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static void dropSchemasOlderThan(long epochSecond) {
    try (Connection c = DriverManager.getConnection(BASE_URL, USER, ""); Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'abg\\_test\\_%'")) {
      java.util.List<String> old = new java.util.ArrayList<>();
      while (rs.next()) {
        String[] parts = rs.getString(1).split("_");
        if (parts.length != 4 || !parts[2].matches("\\d+") || Long.parseLong(parts[2]) < epochSecond) {
          old.add(rs.getString(1));
        }
      }
      for (String schema : old) {
        try (Statement drop = c.createStatement()) {
          drop.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    } catch (SQLException e) {
      System.err.println("could not sweep old test schemas: " + e.getMessage());
    }
  }

  /** The JDBC URL that works in {@code schema} (Flyway creates it). */
  public static String url(String schema) {
    return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public static void dropSchema(String schema) {
    try (Connection c = DriverManager.getConnection(BASE_URL, USER, ""); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
    }
  }
}
