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

  @Override
  String requestIndexesSql() {
    return "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema()"
        + " AND tablename = 'requests' AND indexname <> 'requests_pkey'";
  }

  /**
   * In team mode a stream grows into a lease that the instance extends as it goes; near the cap (its last $0.05) the lease
   * is the boundary. So the streams here grow event by event, as streams do, instead of in the base test's two jumps.
   */
  @Test
  @Override
  void shouldCutOffEveryRequestInFlightOfASessionWhenItsCapIsReached() {
    SpendService spend = start("session_budget_usd", "0.02");
    InFlight flight = InFlight.admit(spend);
    java.util.List<String> cuts = flight.cuts();
    long inA = 0;
    for (int step = 0; step < 40 && inA < 4_000; step++) {   // a: up to 12,000 µ$, 300 µ$ an event
      inA += 100;
      spend.meter(flight.a(), SONNET, Usage.anthropic(inA, 0, 0, 0, 0));
      sleep(15);
    }
    org.junit.jupiter.api.Assertions.assertTrue(cuts.isEmpty(), "12,000 µ$ of a 20,000 µ$ cap: nothing is cut " + cuts);
    long inB = 0;
    for (int step = 0; step < 60 && cuts.size() < 2; step++) {   // b: until the two pass 20,000 µ$
      inB += 100;
      spend.meter(flight.b(), SONNET, Usage.anthropic(inB, 0, 0, 0, 0));
      sleep(15);
    }
    for (int i = 0; i < 250 && cuts.size() < 2; i++) {
      sleep(20);
    }
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("a", "b"), java.util.Set.copyOf(cuts));
    org.junit.jupiter.api.Assertions.assertTrue(3 * (inA + inB) <= 20_000 + 300, "cut at the cap: " + 3 * (inA + inB) + " µ$");
  }

  @Test
  @Disabled("SQLite's whole-file write lock; PostgreSQL locks rows (TeamModeTests runs two instances on one session)")
  @Override
  void shouldKeepEveryRowWhenTheDatabaseIsLockedForAMoment() {
  }
}
