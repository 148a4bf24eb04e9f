package dev.abg.admin;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The application with {@code admin_token} set, and the fake Anthropic upstream behind the proxy. */
public class AdminTokenProfile implements QuarkusTestProfile {

  static final String TOKEN = "s3cret-admin-token-for-tests";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("admin_token", TOKEN);
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(FakeAnthropic.class));
  }
}
