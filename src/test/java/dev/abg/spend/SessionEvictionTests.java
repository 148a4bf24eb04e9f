package dev.abg.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.abg.spend.ledger.LedgerRow;

/**
 * Memory bounded by activity: a session idle past {@link SpendService#IDLE_EVICTION} leaves memory and is read from the
 * ledger when it comes back, with its spend; one with a request in flight stays; start-up loads today's and the recent
 * sessions only, and the reads of the others go to the ledger.
 */
class SessionEvictionTests {

  private static final String SONNET = "claude-sonnet-4-6";

  @TempDir
  Path dir;
  private LedgerFixture fixture;
  private final MovingClock clock = new MovingClock(Instant.parse("2026-11-29T10:00:00Z"));

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.dispose();
    }
  }

  private SpendService start() {
    fixture = new LedgerFixture(dir).with("timezone", "UTC").with("daily_budget_usd", "off");
    fixture.clock = clock;
    return fixture.start();
  }

  @Test
  void shouldEvictAnIdleSessionAndLoadItAgainWithItsSpend() throws Exception {
    SpendService spend = start();
    LedgerRow first = settle(spend, "ev-a");
    assertEquals(1, spend.sessionsInMemory());
    clock.advance(Duration.ofMinutes(14));
    assertEquals(0, spend.evictIdle(), "not idle long enough");
    clock.advance(Duration.ofMinutes(2));
    assertEquals(1, spend.evictIdle());
    assertEquals(0, spend.sessionsInMemory());

    assertEquals(first.costMicros(), spend.standing("ev-a").spentMicros(), "read from the ledger on demand");
    LedgerRow second = settle(spend, "ev-a");
    assertEquals(2 * first.costMicros(), second.sessionTotalMicros());
    assertEquals(2 * first.costMicros(), fixture.queryLong("SELECT spent_micros FROM sessions WHERE id = 'ev-a'"));
    assertEquals(2, spend.session("ev-a").orElseThrow().requests());
  }

  @Test
  void shouldKeepASessionWithARequestInFlight() {
    SpendService spend = start();
    settle(spend, "ev-b");
    BudgetDecision.Granted open = assertInstanceOf(BudgetDecision.Granted.class, spend.admit(admission("ev-b")).toCompletableFuture().join());
    clock.advance(Duration.ofHours(1));
    assertEquals(0, spend.evictIdle());
    spend.settle(open.reservation(), outcome()).toCompletableFuture().join();
    clock.advance(Duration.ofHours(1));
    assertEquals(1, spend.evictIdle());
  }

  @Test
  void shouldLoadOnlyTodaysSessionsAtStartAndReadTheOthersFromTheLedger() throws Exception {
    SpendService spend = start();
    settle(spend, "ev-old");
    clock.advance(Duration.ofDays(2));
    settle(spend, "ev-new");
    spend = fixture.restart();
    assertEquals(1, spend.sessionsInMemory(), "today's only");
    Instant dayStart = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    assertEquals(List.of("ev-new"), spend.sessionsSeenSince(dayStart).stream().map(SessionView::id).toList());
    assertEquals(List.of("ev-new", "ev-old"), spend.sessionsInOrder(false, true, null, null, null, 10).stream().map(SessionView::id).toList());
    assertTrue(spend.session("ev-old").isPresent(), "an evicted session is still there");
    assertEquals(2, spend.sessionsInMemory(), "loaded when asked for");
  }

  private LedgerRow settle(SpendService spend, String session) {
    BudgetDecision.Granted granted = assertInstanceOf(BudgetDecision.Granted.class, spend.admit(admission(session)).toCompletableFuture().join());
    return spend.settle(granted.reservation(), outcome()).toCompletableFuture().join().orElseThrow();
  }

  private Admission admission(String session) {
    return new Admission(session, null, "claude-code", Provider.ANTHROPIC, "/v1/messages", SONNET, clock.instant(), 0, false, 0);
  }

  private Outcome outcome() {
    return new Outcome(SONNET, Usage.anthropic(1000, 0, 0, 0, 100), UsageSource.REPORTED, 200, "req", false, clock.instant());
  }

  /** A clock the test moves forward. */
  static final class MovingClock extends Clock {
    private final AtomicReference<Instant> now;

    MovingClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
