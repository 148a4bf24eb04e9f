package dev.abg.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streamed Anthropic requests against a running proxy, each answer counted: complete (a 200 whose body ended with
 * {@code message_stop}), refused (the status and body), or cut short. The complete ones are what the ledger must hold
 * after a restart, matched by the upstream's request id.
 */
final class Load implements AutoCloseable {

  /** One answer. */
  record Answer(int status, boolean complete, String requestId, String body) {
  }

  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** Starts {@code clients} threads that send requests of {@code session} one after the other until {@link #close}. */
  static Load start(String base, String session, int clients) {
    Load load = new Load();
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(() -> {
        while (!load.stop.get()) {
          Answer a = send(base, session);
          load.answers.add(a);
          if (a.status() != 200) {
            sleep(50);     // refused: the proxy says so at once, no need to hammer it
          }
        }
      }, "load-" + i);
      t.setDaemon(true);
      t.start();
      load.threads.add(t);
    }
    return load;
  }

  static Answer send(String base, String session) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/messages")).timeout(Duration.ofSeconds(60))
        .header("content-type", "application/json").header("x-abg-session-id", session).header("anthropic-version", "2023-06-01")
        .header("x-api-key", "sk-ant-test-faults")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":1024,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]}")).build();
    try {
      HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String requestId = response.headers().firstValue("request-id").orElse(null);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      boolean eof = false;
      try (InputStream in = response.body()) {
        in.transferTo(body);
        eof = true;
      } catch (IOException cut) {
        // the body ended early
      }
      String text = body.toString(StandardCharsets.UTF_8);
      return new Answer(response.statusCode(), eof && response.statusCode() == 200 && text.contains("event: message_stop"), requestId, text);
    } catch (IOException e) {
      return new Answer(-1, false, null, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, false, null, "interrupted");
    }
  }

  List<Answer> complete() {
    return answers.stream().filter(Answer::complete).toList();
  }

  long count(int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(90_000);
    }
  }

  /** The request ids of the ledger's rows (the proxy stopped), each once. */
  static Set<String> rowIds(Path db) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT request_id FROM requests WHERE request_id IS NOT NULL")) {
      while (rs.next()) {
        if (!ids.add(rs.getString(1))) {
          throw new AssertionError("two rows for request " + rs.getString(1));
        }
      }
    }
    return ids;
  }

  static long sessionSpent(Path db, String session) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT spent_micros - (SELECT COALESCE(SUM(cost_micros), 0) FROM requests WHERE session_id = '" + session
             + "') FROM sessions WHERE id = '" + session + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
