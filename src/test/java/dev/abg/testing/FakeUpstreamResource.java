package dev.abg.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeUpstream} for {@code @QuarkusTest}s, points the application's upstreams at it and injects it into fields
 * annotated {@link InjectFakeUpstream}:
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(FakeUpstreamResource.class)
 * class ProxyRoutesTests {
 *   @InjectFakeUpstream
 *   FakeUpstream upstream;
 *
 *   @BeforeEach
 *   void clean() { upstream.reset(); }
 * }
 * }</pre>
 *
 * <p>The returned config sets {@code upstream_anthropic} and {@code upstream_openai} to {@link FakeUpstream#baseUrl()} (no {@code /v1}).
 * Init args (from {@code @WithTestResource(initArgs = ...)}) change that: {@code anthropic-property} and {@code openai-property} rename the
 * keys (an empty name leaves that key out), {@code anthropic-suffix} and {@code openai-suffix} are appended to the URL (e.g. {@code /v1}).
 * The fake runs on its own Vert.x instance, independent of the application's.
 */
public class FakeUpstreamResource implements QuarkusTestResourceLifecycleManager {

  public static final String DEFAULT_ANTHROPIC_PROPERTY = "upstream_anthropic";
  public static final String DEFAULT_OPENAI_PROPERTY = "upstream_openai";

  private Map<String, String> args = Map.of();
  private FakeUpstream upstream;

  @Override
  public void init(Map<String, String> initArgs) {
    args = Map.copyOf(initArgs);
  }

  @Override
  public Map<String, String> start() {
    upstream = FakeUpstream.started();
    Map<String, String> config = new LinkedHashMap<>();
    put(config, args.getOrDefault("anthropic-property", DEFAULT_ANTHROPIC_PROPERTY), args.getOrDefault("anthropic-suffix", ""));
    put(config, args.getOrDefault("openai-property", DEFAULT_OPENAI_PROPERTY), args.getOrDefault("openai-suffix", ""));
    return config;
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(upstream, new TestInjector.AnnotatedAndMatchesType(InjectFakeUpstream.class, FakeUpstream.class));
  }

  @Override
  public void stop() {
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
  }

  private void put(Map<String, String> config, String property, String suffix) {
    if (!property.isEmpty()) {
      config.put(property, upstream.baseUrl() + suffix);
    }
  }
}
