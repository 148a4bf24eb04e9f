package dev.abg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged proxy ({@code target/quarkus-app/quarkus-run.jar}, system property {@code abg.jar}) run as its own process,
 * the way a user runs it, on a free port with a config file written for the test.
 */
public final class AbgProcess implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process process;
  private final Path log;

  private AbgProcess(Path dir, int port, Process process, Path log) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the proxy in {@code dir} (its ledger goes to {@code dir/data/abg.db}) with these config keys, and waits until
   * it answers.
   */
  public static AbgProcess start(Path dir, Map<String, String> config) {
    try {
      Files.createDirectories(dir);
      int port = freePort();
      StringBuilder yaml = new StringBuilder("port: " + port + "\n");
      config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
      Path file = dir.resolve("agentbillguard.yaml");
      Files.writeString(file, yaml);
      Path log = dir.resolve("abg.log");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
          "-Dquarkus.config.locations=" + file.toAbsolutePath(), "-jar", jar().toString()));
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      AbgProcess abg = new AbgProcess(dir, port, process, log);
      abg.awaitReady(Duration.ofSeconds(60));
      return abg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How a run that was expected to stop by itself ended. */
  public record Exit(int code, String log) {
  }

  /**
   * Runs the proxy in {@code dir} with these config keys and waits for it to exit by itself (a start it must refuse);
   * fails if it is still running after {@code timeout}.
   */
  public static Exit runToExit(Path dir, Map<String, String> config, Duration timeout) {
    try {
      Files.createDirectories(dir);
      StringBuilder yaml = new StringBuilder("port: " + freePort() + "\n");
      config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
      Path file = dir.resolve("agentbillguard.yaml");
      Files.writeString(file, yaml);
      Path log = dir.resolve("abg.log");
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
          "-Dquarkus.config.locations=" + file.toAbsolutePath(), "-jar", jar().toString())
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("abg was still running after " + timeout + ":\n" + Files.readString(log));
      }
      return new Exit(process.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("abg.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the packaged proxy is missing: " + jar + " (run ./mvnw package first)");
    }
    return jar;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The process id, for /proc/&lt;pid&gt; and jcmd. */
  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no log: " + e.getMessage() + ">";
    }
  }

  public HttpResponse<String> get(String path) {
    try {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
          .send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("abg exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        int status = get("/abg/status").statusCode();
        if (status == 200 || status == 401) { // 401: it answers, and admin_token is set
          return;
        }
      } catch (UncheckedIOException notYet) {
        // not listening yet
      }
      sleep(100);
    }
    close();
    throw new IllegalStateException("abg did not answer within " + timeout + ":\n" + log());
  }

  /** Stops the proxy as a user would (SIGTERM), then for good. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the proxy with SIGKILL, as a crash would. */
  /** Freezes the process (SIGSTOP), as a long GC pause, a frozen VM or a closed laptop lid would. */
  public void pause() {
    signal("STOP");
  }

  /** Lets a paused process run on (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
