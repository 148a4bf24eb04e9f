package dev.abg.admin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.abg.config.BudgetSettings;
import dev.abg.spend.DayView;
import dev.abg.spend.Money;
import dev.abg.spend.SessionView;
import dev.abg.spend.SpendService;

/** {@code GET /abg/status}: the seed's shape ({@code sessions: {id: spent}}, {@code today_total_usd}) plus caps and states. */
@Path("/abg/status")
public class StatusResource {

  private final SpendService spend;

  StatusResource(SpendService spend) {
    this.spend = spend;
  }

  /**
   * @param sessions        the seed's map: session id → spent since its last reset, in USD
   * @param todayTotalUsd   the seed's total across sessions today
   * @param details         per session: cap, remaining, in flight, state
   * @param warnings        the sessions and the day past {@code warn_at} or blocked, as sentences
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Status(Map<String, BigDecimal> sessions, BigDecimal todayTotalUsd, String day, BigDecimal dailyCapUsd, BigDecimal todayRemainingUsd,
                       BigDecimal sessionBudgetUsd, BigDecimal warnAt, boolean blockOnLimit, String priceVersion, Map<String, SessionStatus> details,
                       List<String> warnings) {
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SessionStatus(BigDecimal spentUsd, BigDecimal capUsd, BigDecimal remainingUsd, BigDecimal inFlightUsd, String state) {
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Status status() {
    BudgetSettings budgets = spend.budgets();
    DayView today = spend.today();
    Map<String, BigDecimal> sessions = new LinkedHashMap<>();
    Map<String, SessionStatus> details = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (SessionView s : spend.sessions()) {
      sessions.put(s.id(), Money.usd(s.spentMicros()));
      details.put(s.id(), new SessionStatus(Money.usd(s.spentMicros()), Money.usd(s.capMicros()), Money.usd(s.remainingMicros()),
          Money.usd(s.inFlightMicros()), s.state()));
      if (!s.state().equals("active")) {
        warnings.add("session '" + s.id() + "' is " + s.state() + ": " + Money.format(s.spentMicros(), 2) + " of " + Money.format(s.capMicros(), 2));
      }
    }
    today.capMicros().ifPresent(cap -> {
      if (BigDecimal.valueOf(today.committedMicros()).compareTo(BigDecimal.valueOf(cap).multiply(budgets.warnAt())) >= 0) {
        warnings.add("today's spend is " + Money.format(today.committedMicros(), 2) + " of the daily " + Money.format(cap, 2));
      }
    });
    return new Status(sessions, Money.usd(today.settledMicros()), today.day().toString(), today.capMicros().map(Money::usd).orElse(null),
        today.remainingMicros().map(Money::usd).orElse(null), budgets.sessionBudgetUsd(), budgets.warnAt(), budgets.blockOnLimit(), spend.priceVersion(),
        details, warnings);
  }
}
