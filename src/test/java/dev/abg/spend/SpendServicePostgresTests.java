package dev.abg.spend;

import java.nio.file.Path;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import dev.abg.testing.RequiresPostgres;

/** Every SpendService test again, on PostgreSQL (team mode with one instance): the same books on the other store. */
@RequiresPostgres
class SpendServicePostgresTests extends SpendServiceTests {

  @Override
  LedgerFixture newFixture(Path dir) {
    return LedgerFixture.postgres(dir);
  }

  @Test
  @Disabled("SQLite's whole-file write lock; PostgreSQL locks rows (TeamModeTests runs two instances on one session)")
  @Override
  void shouldKeepEveryRowWhenTheDatabaseIsLockedForAMoment() {
  }
}
