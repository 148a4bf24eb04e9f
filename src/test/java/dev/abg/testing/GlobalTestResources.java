package dev.abg.testing;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every {@code @QuarkusTest} runs against one application with one {@link FakeUpstream} behind it (a global test resource),
 * so the application boots once for the whole suite. Tests use their own session ids and reset the fake.
 */
@QuarkusTestResource(FakeUpstreamResource.class)
public final class GlobalTestResources {

  private GlobalTestResources() {
  }
}
