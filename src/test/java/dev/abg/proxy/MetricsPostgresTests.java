package dev.abg.proxy;

import dev.abg.admin.PostgresProfile;
import dev.abg.testing.RequiresPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link MetricsTests} again, with the ledger in PostgreSQL (team mode). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
@RequiresPostgres
class MetricsPostgresTests extends MetricsTests {
}
