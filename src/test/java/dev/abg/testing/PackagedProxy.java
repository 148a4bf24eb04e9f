package dev.abg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs the packaged proxy ({@link AbgProcess}: the jar of {@code target/quarkus-app}, as a user runs it) for a JUnit 5 test class,
 * against a {@link FakeUpstream} started for the class, and stops both after it:
 *
 * <pre>{@code
 * @PackagedProxy(adminToken = TOKEN, config = {"session_budget_usd: 5", "daily_budget_usd: 20"})
 * class DashboardIT {
 *   @Test
 *   void shouldShowTheSessions(AbgProcess abg, AdminClient admin, FakeUpstream upstream) { ... }
 * }
 * }</pre>
 *
 * Test, lifecycle ({@code @BeforeAll} included) and constructor parameters of these types are filled in:
 * <ul>
 *   <li>{@link FakeUpstream}: the class's fake. {@code upstream_anthropic} and {@code upstream_openai} point at it unless
 *       {@link #config()} names them.</li>
 *   <li>{@link AbgProcess}: the class's proxy, started before all tests in a directory of its own (base URL, port, pid, log, ledger;
 *       {@link AbgProcess#kill()} and {@link AbgProcess#restart()} for the crash tests) and stopped (SIGTERM) after them.</li>
 *   <li>{@link AdminClient}: that proxy's admin API, with {@link #adminToken()}.</li>
 *   <li>{@link Launcher}: for more proxies or other configs, e.g. two team-mode instances on one schema, or a start the proxy must
 *       refuse. What a test starts is stopped after that test; what a {@code @BeforeAll} method starts, after the class.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PackagedProxy.Extension.class)
public @interface PackagedProxy {

  /** Keys of {@code agentbillguard.yaml}, {@code "key: value"} each, for every proxy the class starts (a {@link Launcher}'s too). */
  String[] config() default {};

  /** {@code admin_token} of every proxy the class starts, and the token of the {@link AdminClient}; empty for none. */
  String adminToken() default "";

  /** Whether the class's proxy is started before all tests; false when the tests start their own through a {@link Launcher}. */
  boolean start() default true;

  /** Whether the fake upstream is {@linkplain FakeUpstream#reset() reset} before each test (before its {@code @BeforeEach} methods). */
  boolean resetUpstream() default false;

  /**
   * Starts packaged proxies in directories under one temporary directory, with the class's config ({@link #config()}, the fake
   * upstream, {@link #adminToken()}) under the keys given here; stops them all and deletes the directory when it closes.
   */
  final class Launcher implements AutoCloseable {

    private final Path root;
    private final Map<String, String> defaults;
    private final List<AbgProcess> started = new ArrayList<>();
    private int runs;

    Launcher(Map<String, String> defaults) {
      this.defaults = defaults;
      try {
        this.root = Files.createTempDirectory("abg-it-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A proxy in a directory of its own, started and answering. */
    public AbgProcess start(Map<String, String> config) {
      return start("abg-" + (runs + 1), config);
    }

    /** A proxy in the directory {@code name} (under {@link #dir()}), started and answering. */
    public synchronized AbgProcess start(String name, Map<String, String> config) {
      runs++;
      AbgProcess abg = AbgProcess.start(root.resolve(name), merged(config));
      started.add(abg);
      return abg;
    }

    /** Runs a proxy that must stop by itself (a start it refuses); see {@link AbgProcess#runToExit}. */
    public synchronized AbgProcess.Exit runToExit(Map<String, String> config, Duration timeout) {
      runs++;
      return AbgProcess.runToExit(root.resolve("abg-" + runs), merged(config), timeout);
    }

    /** Where the proxies' directories are. */
    public Path dir() {
      return root;
    }

    private Map<String, String> merged(Map<String, String> config) {
      Map<String, String> all = new LinkedHashMap<>(defaults);
      all.putAll(config);
      return all;
    }

    @Override
    public synchronized void close() {
      if (!Files.exists(root)) {
        return;
      }
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close();
      }
      started.clear();
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        System.err.println("could not delete " + root + ": " + e.getMessage());
      }
    }
  }

  /** The JUnit 5 extension behind {@link PackagedProxy}. */
  final class Extension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PackagedProxy.class);

    /** The class's fake upstream, launcher and proxy (null when {@code start = false}). */
    private record ClassState(PackagedProxy settings, FakeUpstream upstream, Launcher launcher, AbgProcess abg) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      PackagedProxy settings = context.getRequiredTestClass().getAnnotation(PackagedProxy.class);
      FakeUpstream upstream = FakeUpstream.started();
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put("upstream_anthropic", upstream.baseUrl());
      defaults.put("upstream_openai", upstream.baseUrl());
      for (String line : settings.config()) {
        int colon = line.indexOf(':');
        if (colon < 1) {
          throw new IllegalArgumentException("@PackagedProxy config entries are \"key: value\", not \"" + line + "\"");
        }
        defaults.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
      if (!settings.adminToken().isEmpty()) {
        defaults.put("admin_token", settings.adminToken());
      }
      Launcher launcher = new Launcher(defaults);
      ClassState state = new ClassState(settings, upstream, launcher, null);
      context.getStore(NAMESPACE).put(ClassState.class, state);   // stored first, so that afterAll cleans up after a failed start
      if (settings.start()) {
        context.getStore(NAMESPACE).put(ClassState.class, new ClassState(settings, upstream, launcher, launcher.start("proxy", Map.of())));
      }
    }

    @Override
    public void afterAll(ExtensionContext context) {
      ClassState state = context.getStore(NAMESPACE).remove(ClassState.class, ClassState.class);
      if (state != null) {
        state.launcher().close();
        state.upstream().close();
      }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      if (classState(context).settings().resetUpstream()) {
        classState(context).upstream().reset();
      }
    }

    @Override
    public void afterEach(ExtensionContext context) {
      Launcher launcher = context.getStore(NAMESPACE).remove(Launcher.class, Launcher.class);
      if (launcher != null) {
        launcher.close();
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == FakeUpstream.class || type == AbgProcess.class || type == AdminClient.class || type == Launcher.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      ClassState state = classState(context);
      Class<?> type = parameter.getParameter().getType();
      if (type == FakeUpstream.class) {
        return state.upstream();
      }
      if (type == Launcher.class) {
        if (context.getTestMethod().isEmpty()) {
          return state.launcher();                      // @BeforeAll: what it starts lives as long as the class
        }
        return context.getStore(NAMESPACE).computeIfAbsent(Launcher.class, k -> new Launcher(state.launcher().defaults), Launcher.class);
      }
      if (state.abg() == null) {
        throw new ParameterResolutionException("@PackagedProxy(start = false) starts no proxy for the class: take a PackagedProxy.Launcher");
      }
      return type == AbgProcess.class ? state.abg() : state.abg().admin();
    }

    private static ClassState classState(ExtensionContext context) {
      ClassState state = context.getStore(NAMESPACE).get(ClassState.class, ClassState.class);
      if (state == null) {
        throw new IllegalStateException("no @PackagedProxy state for " + context.getUniqueId());
      }
      return state;
    }
  }
}
