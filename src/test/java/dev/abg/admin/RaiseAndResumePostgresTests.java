package dev.abg.admin;

import dev.abg.testing.RequiresPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RaiseAndResumeTests} again, with the ledger in PostgreSQL (team mode). */
@QuarkusTest
@TestProfile(PostgresProfile.WithAdminToken.class)
@RequiresPostgres
class RaiseAndResumePostgresTests extends RaiseAndResumeTests {
}
