package dev.abg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code abg} launcher script at the repository root as a user would, in a clean environment (only PATH and the
 * locale are inherited, plus what the test gives), in a working directory of the test's choosing, stdin from a string.
 * Every run is bounded by its timeout; on expiry the process tree is killed. {@link #python} runs the script's python3
 * half, {@code abg.py} beside it, the same way.
 */
public final class AbgScript {

  /**
   * @param exitCode the exit code, or -1 when the run timed out
   */
  public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {
    @Override
    public String toString() {
      return "abg exit=" + exitCode + " (" + duration.toMillis() + " ms) " + command + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  private final Path script;
  private final Path workDir;
  private final Map<String, String> env;

  /** {@code workDir} is where the script runs (it reads {@code ./agentbillguard.yaml} there); {@code env} is given to every run. */
  public AbgScript(Path workDir, Map<String, String> env) {
    this.script = Paths.get(System.getProperty("abg.script", Paths.get(System.getProperty("user.dir"), "abg").toString())).toAbsolutePath();
    this.workDir = workDir;
    this.env = Map.copyOf(env);
  }

  public Path script() {
    return script;
  }

  public Result run(String... args) {
    return run("", Map.of(), Duration.ofSeconds(30), args);
  }

  /** With more environment ({@code null} removes a variable) and this stdin. */
  public Result run(String stdin, Map<String, String> extraEnv, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(args));
    return exec(command, stdin, extraEnv, timeout);
  }

  /** {@code python3 abg.py ARGS...}: one command of the script's python3 half, for example {@code config FILE KEY...}. */
  public Result python(String... args) {
    List<String> command = new ArrayList<>(List.of("python3", script.resolveSibling("abg.py").toString()));
    command.addAll(List.of(args));
    return exec(command, "", Map.of(), Duration.ofSeconds(30));
  }

  private Result exec(List<String> command, String stdin, Map<String, String> extraEnv, Duration timeout) {
    try {
      Files.createDirectories(workDir);
      Path in = Files.createTempFile(workDir, "stdin", ".txt");
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      Files.writeString(in, stdin, StandardCharsets.UTF_8);
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
      Map<String, String> processEnv = builder.environment();
      processEnv.clear();
      for (String inherited : List.of("PATH", "LANG", "LC_ALL", "TZ", "HOME")) {
        String value = System.getenv(inherited);
        if (value != null) {
          processEnv.put(inherited, value);
        }
      }
      Map<String, String> all = new HashMap<>(env);
      all.putAll(extraEnv);
      all.forEach((k, v) -> {
        if (v == null) {
          processEnv.remove(k);
        } else {
          processEnv.put(k, v);
        }
      });
      long start = System.nanoTime();
      Process process = builder.start();
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      Result result = new Result(command, exited ? process.exitValue() : -1, Files.readString(out), Files.readString(err), took);
      for (Path p : List.of(in, out, err)) {
        Files.deleteIfExists(p);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes an executable shell script (a stand-in agent, for example) and returns its path. */
  public static Path executable(Path file, String body) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
      if (!file.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + file + " executable");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
