package dev.abg.admin;

import dev.abg.testing.RequiresPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ExportHeapTests} again on PostgreSQL, whose driver reads a whole result at once unless told otherwise. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
@RequiresPostgres
class ExportHeapPostgresTests extends ExportHeapTests {
}
