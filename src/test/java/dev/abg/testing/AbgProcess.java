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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged proxy ({@code target/quarkus-app/quarkus-run.jar}, system property {@code abg.jar}) run as its own process,
 * the way a user runs it, on a free port with a config file written for the test. In a JUnit test, {@link PackagedProxy} starts
 * and stops it; {@link #start} is for the rest (the benchmarks).
 */
public final class AbgProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Map<String, String> config;
  private final List<String> jvmFlags;
  private volatile int port;
  private volatile Process process;

  private AbgProcess(Path dir, Map<String, String> config) {
    this(dir, config, List.of("-XX:+UseSerialGC"));
  }

  private AbgProcess(Path dir, Map<String, String> config, List<String> jvmFlags) {
    this.dir = dir;
    this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    this.jvmFlags = List.copyOf(jvmFlags);
  }

  /**
   * Starts the proxy in {@code dir} (its ledger goes to {@code dir/data/abg.db}) with these config keys, and waits until
   * it answers.
   */
  public static AbgProcess start(Path dir, Map<String, String> config) {
    return start(dir, config, List.of("-XX:+UseSerialGC"));
  }

  /** With the JVM flags the proxy ships with ({@code jvm.args}: the 128 MB heap, exit on out-of-memory). */
  public static AbgProcess startWithShippedJvmArgs(Path dir, Map<String, String> config) {
    try {
      List<String> flags = Files.readAllLines(Path.of("jvm.args")).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      return start(dir, config, flags);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** With these JVM flags. */
  public static AbgProcess start(Path dir, Map<String, String> config, List<String> jvmFlags) {
    AbgProcess abg = new AbgProcess(dir, config, jvmFlags);
    abg.launch();
    abg.awaitReady();
    return abg;
  }

  /** How a run that was expected to stop by itself ended. */
  public record Exit(int code, String log) {
  }

  /**
   * Runs the proxy in {@code dir} with these config keys and waits for it to exit by itself (a start it must refuse);
   * fails if it is still running after {@code timeout}.
   */
  public static Exit runToExit(Path dir, Map<String, String> config, Duration timeout) {
    AbgProcess abg = new AbgProcess(dir, config);
    Process process = abg.launch();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("abg was still running after " + timeout + ":\n" + abg.log());
      }
      return new Exit(process.exitValue(), abg.log());
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

  /**
   * Starts the proxy again in the same directory with the same config (on a new free port), as a user restarts it after a
   * crash or a {@link #kill()}; waits until it answers. A proxy still running is stopped first.
   */
  public void restart() {
    close();
    launch();
    awaitReady();
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

  /** The config keys it was started with (without {@code port}). */
  public Map<String, String> config() {
    return config;
  }

  /** The log of the current run (a restart starts it afresh). */
  public String log() {
    try {
      return Files.readString(dir.resolve("abg.log"));
    } catch (IOException e) {
      return "<no log: " + e.getMessage() + ">";
    }
  }

  /** The SQLite ledger file, {@code data/abg.db}. */
  public Path ledgerPath() {
    return dir.resolve("data/abg.db");
  }

  /** Its ledger, read straight from the database: the SQLite file, or the schema of {@code db_url} in team mode. */
  public Ledger ledger() {
    String url = config.get("db_url");
    return url == null ? Ledger.sqlite(ledgerPath()) : Ledger.jdbc(url.replace("\"", ""), config.getOrDefault("db_user", Postgres.USER));
  }

  /** Its admin API, with the bearer token of {@code admin_token} when one is set. */
  public AdminClient admin() {
    return new AdminClient(baseUrl(), config.get("admin_token"));
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

  /** Stops the proxy as a user would (SIGTERM), then for good. */
  @Override
  public void close() {
    Process running = process;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(10, TimeUnit.SECONDS)) {
        running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
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

  /** Writes {@code agentbillguard.yaml} with a free port and the config, and starts the jar in {@code dir}. */
  private Process launch() {
    try {
      Files.createDirectories(dir);
      port = freePort();
      Map<String, String> keys = new LinkedHashMap<>();
      keys.put("port", Integer.toString(port));
      keys.putAll(config);
      StringBuilder yaml = new StringBuilder();
      keys.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
      Path file = dir.resolve("agentbillguard.yaml");
      Files.writeString(file, yaml);
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(jvmFlags);
      command.addAll(List.of("-Dquarkus.config.locations=" + file.toAbsolutePath(), "-jar", jar().toString()));
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("abg.log").toFile()).start();
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
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
    throw new IllegalStateException("abg did not answer within " + READY_TIMEOUT + ":\n" + log());
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
