package dev.abg.admin;

import dev.abg.testing.RequiresPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link OpenApiContractTests} again, with the ledger in PostgreSQL (team mode). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
@RequiresPostgres
class OpenApiContractPostgresTests extends OpenApiContractTests {
}
