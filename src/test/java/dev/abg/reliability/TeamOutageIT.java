package dev.abg.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.abg.testing.AbgProcess;
import dev.abg.testing.FakeUpstream;

/**
 * Team mode, PostgreSQL stopped and started while streams run (a throwaway cluster of the installed PostgreSQL on a port
 * of its own): the rows of the streams that end during the outage go to the journal, and when the database is back they
 * are written and their leases returned. After a restart, every answer the agent received is a row, and no lease is left
 * in flight. Skipped, with one line, where no PostgreSQL binaries (or no way to run them as another user) are found.
 */
@Timeout(300)
class TeamOutageIT {

  @Test
  void shouldRecordStreamsThatEndWhilePostgresIsDownAndReturnTheirLeases() throws Exception {
    Path bin = Path.of("/usr/lib/postgresql/15/bin");
    Assumptions.assumeTrue(Files.isExecutable(bin.resolve("initdb")), "skipped: no PostgreSQL 15 binaries under " + bin);
    Path dir = Files.createTempDirectory("abg-pg-");
    int port = freePort();
    String[] pgctl = {bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-o", "-p " + port + " -k " + dir, "-l",
        dir.resolve("pg.log").toString(), "-w"};
    String chown = StorageFaultIT.run("chown", "postgres", dir.toString());
    String init = chown != null ? chown : asPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres");
    Assumptions.assumeTrue(init == null, "skipped: cannot make a throwaway PostgreSQL cluster here: " + init);
    Path work = Files.createTempDirectory("abg-team-");
    try (FakeUpstream upstream = FakeUpstream.started()) {
      assertEquals(null, pg(pgctl, "start"));
      assertEquals(null, asPostgres(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "abg"));
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/abg";
      Map<String, String> config = Map.of("upstream_anthropic", upstream.baseUrl(), "db_url", url, "db_user", "postgres", "session_budget_usd", "1000",
          "daily_budget_usd", "off", "loop_max_repeats", "off");
      upstream.config().textEvents(30).eventDelayMs(100);                // streams of ~3 s
      List<Load.Answer> answers = new ArrayList<>();
      AbgProcess abg = AbgProcess.start(work, config);
      try {
        answers.add(Load.send(abg.baseUrl(), "team-out"));
        List<CompletableFuture<Load.Answer>> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          streams.add(CompletableFuture.supplyAsync(() -> Load.send(abg.baseUrl(), "team-out")));
        }
        Thread.sleep(1_000);
        assertEquals(null, pg(pgctl, "stop", "-m", "immediate"));          // mid-stream
        for (CompletableFuture<Load.Answer> s : streams) {
          answers.add(s.get(120, TimeUnit.SECONDS));
        }
        StorageFaultIT.awaitTrue(() -> abg.get("/abg/status").body().contains("\"writable\":false"), Duration.ofSeconds(30), abg::log);
        assertEquals(null, pg(pgctl, "start"));
        StorageFaultIT.awaitTrue(() -> abg.get("/abg/status").body().contains("\"writable\":true"), Duration.ofSeconds(60), abg::log);
      } finally {
        abg.close();
      }
      AbgProcess.start(work, config).close();
      Set<String> rows = new HashSet<>();
      long leased;
      try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT request_id FROM requests WHERE request_id IS NOT NULL")) {
          while (rs.next()) {
            rows.add(rs.getString(1));
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(leased_micros), 0) FROM sessions")) {
          rs.next();
          leased = rs.getLong(1);
        }
      }
      long received = answers.stream().filter(a -> a.status() == 200).count();
      long complete = answers.stream().filter(Load.Answer::complete).count();
      System.out.printf("[team] PostgreSQL stopped mid-stream: %d answers (%d complete), %d rows after it came back and a restart, %d µ$ leased%n",
          received, complete, rows.size(), leased);
      for (Load.Answer a : answers) {
        if (a.status() == 200) {
          assertTrue(rows.contains(a.requestId()), "a row for " + a.requestId());
        }
      }
      assertEquals(received, rows.size(), "a row for every answer, and no other");
      assertEquals(0, leased, "no phantom lease in flight");
    } finally {
      pg(pgctl, "stop", "-m", "immediate");
      StorageFaultIT.run("rm", "-rf", dir.toString(), work.toString());
    }
  }

  private static String pg(String[] pgctl, String... action) {
    List<String> command = new ArrayList<>(List.of(pgctl));
    command.addAll(1, List.of(action));
    return asPostgres(command.toArray(String[]::new));
  }

  private static String asPostgres(String... command) {
    List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    c.addAll(List.of(command));
    return StorageFaultIT.run(c.toArray(String[]::new));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
