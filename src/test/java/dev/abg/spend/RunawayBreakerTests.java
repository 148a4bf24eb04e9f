package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The rate breaker's window: the current second and the 59 before it, kept in a fixed ring of one-second buckets. */
class RunawayBreakerTests {

  private static final long T0 = Instant.parse("2026-11-28T12:00:00.250Z").toEpochMilli();

  private final SessionAccount account = new SessionAccount("rate", Instant.ofEpochMilli(T0));

  private void settle(long atMillis, long micros) {
    RunawayBreaker.settled(account, atMillis, micros, 0, 200);
  }

  private long lastMinute(long atMillis) {
    return RunawayBreaker.spentLastMinute(account.breaker, atMillis);
  }

  @Test
  void shouldSumTheSpendOfTheLastSixtySeconds() {
    settle(T0, 1_000);
    settle(T0 + 300, 2_000);            // the same second
    settle(T0 + 30_000, 4_000);
    assertEquals(7_000, lastMinute(T0 + 30_000));
    assertEquals(7_000, lastMinute(T0 + 59_700), "second 59 after the first spend: still in the window");
    assertEquals(4_000, lastMinute(T0 + 60_000), "the first second has left the window");
    assertEquals(0, lastMinute(T0 + 90_000));
  }

  @Test
  void shouldReuseABucketOnlyForItsOwnSecond() {
    settle(T0, 1_000);
    settle(T0 + 60_000, 500);           // the same slot of the ring, a minute later: replaces, never adds
    assertEquals(500, lastMinute(T0 + 60_000));
    settle(T0 + 100, 9_000);            // arrives late, a minute older than what that slot holds: outside every window asked
    assertEquals(500, lastMinute(T0 + 60_100));
  }

  @Test
  void shouldCountEveryRequestOfTheWindowAtAnyRate() {
    for (int i = 0; i < 200_000; i++) {
      settle(T0 + i, 1);                // 200,000 requests over 200 s
    }
    // one micro-dollar a millisecond: the 59 whole seconds before, and the 250 ms of the current second so far
    assertEquals(59_250, lastMinute(T0 + 199_999));
  }
}
