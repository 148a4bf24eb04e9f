package dev.abg.admin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.abg.testing.Postgres;
import io.quarkus.test.junit.QuarkusTestProfile;

/** The application in team mode: its ledger in a new schema of the test PostgreSQL server. */
public class PostgresProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("db_url", Postgres.url(Postgres.newSchema()));
    overrides.put("db_user", Postgres.USER);
    return overrides;
  }

  /** Team mode with {@code admin_token} set (and the fake Anthropic upstream of {@link AdminTokenProfile}). */
  public static class WithAdminToken extends PostgresProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
      overrides.putAll(new AdminTokenProfile().getConfigOverrides());
      return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return new AdminTokenProfile().testResources();
    }
  }
}
