package dev.abg.testing;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Quarkus test resource, driven the way Quarkus drives it (init, start, inject, stop), without booting an application. */
@Timeout(30)
class FakeUpstreamResourceTests {

  static class Holder {
    @InjectFakeUpstream
    FakeUpstream upstream;
    FakeUpstream notAnnotated;
  }

  @Test
  void shouldStartInjectAndStop() throws Exception {
    FakeUpstreamResource resource = new FakeUpstreamResource();
    resource.init(Map.of());
    Map<String, String> config = resource.start();
    Holder holder = new Holder();
    resource.inject(fieldInjector(holder));

    String url = holder.upstream.baseUrl();
    assertEquals(Map.of("upstream_anthropic", url, "upstream_openai", url), config);
    assertNull(holder.notAnnotated);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/models")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, models.statusCode());

    resource.stop();
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", holder.upstream.port()).close());
  }

  @Test
  void shouldRenameKeysAndAppendSuffixes() {
    FakeUpstreamResource resource = new FakeUpstreamResource();
    resource.init(Map.of("anthropic-property", "", "openai-property", "abg.upstream.openai", "openai-suffix", "/v1"));
    try {
      Map<String, String> config = resource.start();
      Holder holder = new Holder();
      resource.inject(fieldInjector(holder));
      assertEquals(Map.of("abg.upstream.openai", holder.upstream.baseUrl() + "/v1"), config);
    } finally {
      resource.stop();
    }
  }

  /** What Quarkus' own injector does: set every matching field of the test instance. */
  private static TestInjector fieldInjector(Object target) {
    return (Object value, Predicate<Field> matches) -> {
      for (Field field : target.getClass().getDeclaredFields()) {
        if (matches.test(field)) {
          try {
            field.setAccessible(true);
            field.set(target, value);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
  }
}
