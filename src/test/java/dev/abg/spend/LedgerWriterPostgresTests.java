package dev.abg.spend;

import java.nio.file.Path;

import dev.abg.testing.RequiresPostgres;

/** The writer's group commit again, on PostgreSQL: the same statements on the other store. */
@RequiresPostgres
class LedgerWriterPostgresTests extends LedgerWriterTests {

  @Override
  LedgerFixture newFixture(Path dir) {
    return LedgerFixture.postgres(dir);
  }
}
