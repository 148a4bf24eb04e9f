package dev.abg.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.abg.config.BudgetSettings;
import dev.abg.config.EnforcementSettings;
import dev.abg.spend.DayView;
import dev.abg.spend.SessionState;
import dev.abg.spend.SessionView;
import dev.abg.spend.price.PriceTable;

/** The status lists the sessions seen on the day in the configured zone: first seen or last seen on it, its ends exact. */
class StatusJsonTests {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final BudgetSettings BUDGETS = new BudgetSettings(new BigDecimal("5"), Optional.empty(), new BigDecimal("0.8"), true);

  @Test
  void shouldListTheSessionsSeenOnTheDayInTheConfiguredZone() {
    LocalDate day = LocalDate.of(2026, 3, 29);   // Berlin moves its clocks forward that night: a 23-hour day
    Instant start = Instant.parse("2026-03-28T23:00:00Z");
    Instant end = Instant.parse("2026-03-29T22:00:00Z");
    Instant weekBefore = start.minusSeconds(7 * 86_400);
    List<SessionView> sessions = List.of(
        seen("before", weekBefore, start.minusNanos(1)),
        seen("at-start", weekBefore, start),
        seen("before-end", weekBefore, end.minusNanos(1)),
        seen("created-on-the-day", start.plusSeconds(3600), end.plusSeconds(86_400)),
        seen("at-end", weekBefore, end));
    StatusJson status = StatusJson.of(BUDGETS, EnforcementSettings.Mode.HARD, new DayView(day, 0, 0, Optional.empty()), BERLIN, sessions, PriceTable.builtIn(), List.of());
    assertEquals(List.of("at-start", "before-end", "created-on-the-day"), List.copyOf(status.sessionBudgets().keySet()));
  }

  @Test
  void shouldReportTheConfiguredEnforcementMode() {
    DayView today = new DayView(LocalDate.of(2026, 12, 4), 0, 0, Optional.empty());
    assertEquals("soft", StatusJson.of(BUDGETS, EnforcementSettings.Mode.SOFT, today, BERLIN, List.of(), PriceTable.builtIn(), List.of()).enforcement());
    assertEquals("hard", StatusJson.of(BUDGETS, EnforcementSettings.Mode.HARD, today, BERLIN, List.of(), PriceTable.builtIn(), List.of()).enforcement());
  }

  private static SessionView seen(String id, Instant first, Instant last) {
    return new SessionView(id, null, 5_000_000, true, 1_000, 0, 0, SessionState.ACTIVE, 1, false, first, last);
  }
}
