package dev.abg.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Runs the real agent CLIs (installed by {@code e2e/install.sh} under {@code e2e/node_modules}) as subprocesses, the way
 * docs/agents.md §2 records them: a fresh temporary HOME (also the working directory and CODEX_HOME), fake keys,
 * stdin from {@code /dev/null}, a clean environment (only PATH and the locale are inherited, so no real key or proxy setting of the
 * machine leaks in), stdout and stderr captured in full.
 *
 * <p>Every run is bounded by its timeout: on expiry the whole process tree is killed. Every process a run starts carries the
 * environment variable {@code ABG_E2E_RUN=<uuid>}; after the CLI exits, any process still carrying it (a daemon the CLI left
 * behind) is reported in {@link Result#leftoverPids()} and killed, by pid.
 *
 * <p>The e2e directory comes from the system property {@code abg.e2e.dir} (set by the failsafe configuration), default
 * {@code <working directory>/e2e}. Set {@code abg.e2e.keep=true} to keep each run's temporary HOME for inspection.
 */
public final class AgentCli {

  public static final String ANTHROPIC_API_KEY = "sk-ant-test-fakekey";
  public static final String OPENAI_API_KEY = "sk-test-fakekey";
  public static final String CODEX_MODEL = "gpt-5.5-codex";
  private static final String RUN_MARKER = "ABG_E2E_RUN";
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** Claude Code's {@code --output-format}. */
  public enum OutputFormat {
    JSON, TEXT;

    String flag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The retry settings written into Codex's provider table; null leaves a key out, so Codex uses its default
   * (request_max_retries 4, stream_max_retries 5).
   */
  public record CodexRetries(Integer requestMaxRetries, Integer streamMaxRetries) {
    public static final CodexRetries DEFAULTS = new CodexRetries(null, null);
    public static final CodexRetries NONE = new CodexRetries(0, 0);
  }

  /**
   * The outcome of one CLI run.
   *
   * @param command      the argv that ran
   * @param exitCode     the exit code, or -1 when the run timed out and was killed
   * @param stdout       everything the CLI wrote to stdout
   * @param stderr       everything it wrote to stderr
   * @param duration     from start to exit (or to the timeout, when it was killed)
   * @param timedOut     whether the timeout expired
   * @param leftoverPids processes carrying this run's marker that were still alive after the CLI exited (then killed)
   * @param home         the temporary HOME (deleted after the run unless {@code abg.e2e.keep=true})
   */
  public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration duration, boolean timedOut,
      List<Long> leftoverPids, Path home) {

    /** stdout followed by stderr. */
    public String output() {
      return stdout + stderr;
    }

    /** stdout parsed as one JSON object (Claude Code's {@code --output-format json}), or null when it is not one. */
    public JsonObject stdoutJson() {
      try {
        return new JsonObject(stdout.trim());
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return "Result[exit=" + exitCode + ", timedOut=" + timedOut + ", " + duration.toMillis() + " ms, leftovers=" + leftoverPids
          + "]\n--- command: " + command + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  private final Path e2eDir;

  public AgentCli(Path e2eDir) {
    this.e2eDir = e2eDir.toAbsolutePath().normalize();
  }

  /** Uses {@code -Dabg.e2e.dir}, default {@code <working directory>/e2e}. */
  public static AgentCli fromSystemProperties() {
    String dir = System.getProperty("abg.e2e.dir");
    return new AgentCli(dir != null && !dir.isBlank() ? Paths.get(dir) : Paths.get(System.getProperty("user.dir"), "e2e"));
  }

  public Path claudeBinary() {
    return e2eDir.resolve("node_modules/.bin/claude");
  }

  public Path codexBinary() {
    return e2eDir.resolve("node_modules/.bin/codex");
  }

  /** Why the CLIs cannot run, or empty when both are installed. */
  public Optional<String> missing() {
    for (Path bin : List.of(claudeBinary(), codexBinary())) {
      if (!Files.isExecutable(bin)) {
        return Optional.of(bin + " is missing: run e2e/install.sh");
      }
    }
    return Optional.empty();
  }

  /** {@code claude -p PROMPT --output-format json}. {@code baseUrl} is what ANTHROPIC_BASE_URL takes (no {@code /v1}). */
  public Result claudePrint(String baseUrl, String prompt, Map<String, String> extraEnv, Duration timeout) {
    return claudePrint(baseUrl, prompt, OutputFormat.JSON, List.of(), extraEnv, timeout);
  }

  /**
   * {@code claude -p PROMPT --output-format FORMAT [extraArgs...]} with HOME, ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY and the three
   * switches of docs/agents.md §2. {@code extraEnv} is applied last; a null value removes a variable (e.g. the API key, to use
   * ANTHROPIC_AUTH_TOKEN instead).
   */
  public Result claudePrint(String baseUrl, String prompt, OutputFormat format, List<String> extraArgs, Map<String, String> extraEnv,
      Duration timeout) {
    Path root = tempRoot("claude");
    Path home = root.resolve("home");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("ANTHROPIC_BASE_URL", baseUrl);
    env.put("ANTHROPIC_API_KEY", ANTHROPIC_API_KEY);
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.putAll(extraEnv);
    List<String> command = new ArrayList<>(List.of(claudeBinary().toString(), "-p", prompt, "--output-format", format.flag()));
    command.addAll(extraArgs);
    return run(command, root, home, env, timeout);
  }

  /** {@code codex exec --skip-git-repo-check PROMPT} through a custom provider with Codex's default retries. */
  public Result codexExec(String providerBaseUrl, String prompt, Map<String, String> extraEnv, Duration timeout) {
    return codexExec(providerBaseUrl, prompt, CodexRetries.DEFAULTS, List.of(), extraEnv, timeout);
  }

  /**
   * {@code codex exec --skip-git-repo-check [extraArgs...] PROMPT} with a {@code config.toml} in CODEX_HOME (= HOME) that selects a
   * custom provider {@code [model_providers.mock]} with {@code base_url = providerBaseUrl} (as Codex takes it, with {@code /v1}),
   * {@code env_key = "OPENAI_API_KEY"}, {@code wire_api = "responses"}, as in docs/agents.md §2. The {@code [projects."<dir>"]} trust entry
   * of docs/agents.md §2 is left out: exec mode does not need it, and with it Codex switches its sandbox from read-only to workspace-write.
   */
  public Result codexExec(String providerBaseUrl, String prompt, CodexRetries retries, List<String> extraArgs, Map<String, String> extraEnv,
      Duration timeout) {
    Path root = tempRoot("codex");
    Path home = root.resolve("home");
    StringBuilder toml = new StringBuilder()
        .append("model = ").append(tomlString(CODEX_MODEL)).append('\n')
        .append("model_provider = \"mock\"\n\n")
        .append("[model_providers.mock]\n")
        .append("name = \"Mock\"\n")
        .append("base_url = ").append(tomlString(providerBaseUrl)).append('\n')
        .append("env_key = \"OPENAI_API_KEY\"\n")
        .append("wire_api = \"responses\"\n");
    if (retries.requestMaxRetries() != null) {
      toml.append("request_max_retries = ").append(retries.requestMaxRetries()).append('\n');
    }
    if (retries.streamMaxRetries() != null) {
      toml.append("stream_max_retries = ").append(retries.streamMaxRetries()).append('\n');
    }
    write(home.resolve("config.toml"), toml.toString());
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("CODEX_HOME", home.toString());
    env.put("OPENAI_API_KEY", OPENAI_API_KEY);
    env.putAll(extraEnv);
    return run(codexCommand(extraArgs, prompt), root, home, env, timeout);
  }

  /**
   * {@code codex exec --skip-git-repo-check -c 'openai_base_url="URL"' PROMPT} through Codex's built-in {@code openai} provider, with
   * CODEX_API_KEY (the built-in provider ignores OPENAI_API_KEY and OPENAI_BASE_URL). It first tries a WebSocket
   * {@code GET /v1/responses}; a 426 makes it fall back to HTTP at once.
   */
  public Result codexExecBuiltin(String openAiBaseUrl, String prompt, Map<String, String> extraEnv, Duration timeout) {
    Path root = tempRoot("codex-builtin");
    Path home = root.resolve("home");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("CODEX_HOME", home.toString());
    env.put("CODEX_API_KEY", OPENAI_API_KEY);
    env.putAll(extraEnv);
    return run(codexCommand(List.of("-c", "openai_base_url=" + tomlString(openAiBaseUrl)), prompt), root, home, env, timeout);
  }

  /**
   * {@code LAUNCHER... claude -p PROMPT --output-format json}: Claude Code started by a launcher that points it at the proxy itself
   * (such as {@code abg run --session NAME --}), so ANTHROPIC_BASE_URL is not set here; HOME, the key and the switches are as in
   * {@link #claudePrint}. {@code extraEnv} is applied last.
   */
  public Result claudePrintVia(List<String> launcher, String prompt, Map<String, String> extraEnv, Duration timeout) {
    Path root = tempRoot("claude-via");
    Path home = root.resolve("home");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("ANTHROPIC_API_KEY", ANTHROPIC_API_KEY);
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.putAll(extraEnv);
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(claudeBinary().toString(), "-p", prompt, "--output-format", OutputFormat.JSON.flag()));
    return run(command, root, home, env, timeout);
  }

  /**
   * {@code LAUNCHER... codex exec --skip-git-repo-check PROMPT} with no config.toml, so Codex uses its built-in {@code openai} provider:
   * the launcher (such as {@code abg run --session NAME --}) gives it {@code openai_base_url} and CODEX_API_KEY. Only OPENAI_API_KEY is
   * set here, as a user's shell would have it. {@code extraEnv} is applied last.
   */
  public Result codexExecVia(List<String> launcher, String prompt, Map<String, String> extraEnv, Duration timeout) {
    Path root = tempRoot("codex-via");
    Path home = root.resolve("home");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("CODEX_HOME", home.toString());
    env.put("OPENAI_API_KEY", OPENAI_API_KEY);
    env.putAll(extraEnv);
    List<String> command = new ArrayList<>(launcher);
    command.addAll(codexCommand(List.of(), prompt));
    return run(command, root, home, env, timeout);
  }

  private List<String> codexCommand(List<String> extraArgs, String prompt) {
    List<String> command = new ArrayList<>(List.of(codexBinary().toString(), "exec", "--skip-git-repo-check"));
    command.addAll(extraArgs);
    command.add(prompt);
    return command;
  }

  private Result run(List<String> command, Path root, Path home, Map<String, String> env, Duration timeout) {
    missing().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    String marker = UUID.randomUUID().toString();
    Path stdout = root.resolve("stdout.txt");
    Path stderr = root.resolve("stderr.txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    Map<String, String> processEnv = builder.environment();
    processEnv.clear();
    for (String inherited : List.of("PATH", "LANG", "LC_ALL", "TZ")) {
      String value = System.getenv(inherited);
      if (value != null) {
        processEnv.put(inherited, value);
      }
    }
    env.forEach((name, value) -> {
      if (value == null) {
        processEnv.remove(name);
      } else {
        processEnv.put(name, value);
      }
    });
    processEnv.put(RUN_MARKER, marker);

    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    boolean exited = false;
    Duration duration = null;
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    try {
      exited = waitFor(process, timeout, tree);
    } finally {
      duration = Duration.ofNanos(System.nanoTime() - start);
      if (process.isAlive()) {
        killAll(tree, process);
      }
    }
    List<Long> leftovers = markedProcesses(marker).stream().map(ProcessHandle::pid).toList();
    killAll(markedProcesses(marker), null);
    try {
      return new Result(List.copyOf(command), exited ? process.exitValue() : -1, Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8), duration, !exited, leftovers, home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!Boolean.getBoolean("abg.e2e.keep")) {
        deleteTree(root);
      }
    }
  }

  /** Waits for the exit, collecting the process tree as it grows so that a timeout can kill all of it. */
  private static boolean waitFor(Process process, Duration timeout, Set<ProcessHandle> tree) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        process.descendants().forEach(tree::add);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (process.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void killAll(Set<ProcessHandle> handles, Process root) {
    handles.forEach(ProcessHandle::destroyForcibly);
    if (root != null) {
      root.destroyForcibly();
    }
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    for (ProcessHandle handle : handles) {
      while (handle.isAlive() && System.nanoTime() < deadline) {
        sleep(20);
      }
    }
    if (root != null) {
      try {
        root.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Live processes whose environment holds {@code ABG_E2E_RUN=marker} (Linux: read from /proc; elsewhere none are found). */
  static Set<ProcessHandle> markedProcesses(String marker) {
    byte[] needle = (RUN_MARKER + "=" + marker).getBytes(StandardCharsets.UTF_8);
    Set<ProcessHandle> found = new LinkedHashSet<>();
    Path proc = Paths.get("/proc");
    if (!Files.isDirectory(proc)) {
      return found;
    }
    long self = ProcessHandle.current().pid();
    try (Stream<Path> entries = Files.list(proc)) {
      entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == self) {
          return;
        }
        try {
          byte[] environ = Files.readAllBytes(p.resolve("environ"));
          if (containsEntry(environ, needle)) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(found::add);
          }
        } catch (IOException | SecurityException e) {
          // gone meanwhile, a kernel thread, or not ours to read
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** Whether the NUL-separated environment block holds exactly this entry. */
  private static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static Path tempRoot(String tool) {
    try {
      Path root = Files.createTempDirectory("abg-e2e-" + tool + "-");
      Files.createDirectories(root.resolve("home"));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TOML basic string. */
  static String tomlString(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a file the CLI still writes: leave it to the OS's temp cleanup
        }
      });
    } catch (IOException e) {
      // already gone
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
