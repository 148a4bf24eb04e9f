package dev.abg.admin;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.abg.config.BudgetSettings;
import dev.abg.spend.DayView;
import dev.abg.spend.LedgerQueries;
import dev.abg.spend.Money;
import dev.abg.spend.SessionView;

/**
 * {@code Status}: the seed's shape ({@code sessions: {id: spent}}, {@code today_total_usd}) unchanged, then the daily cap,
 * the enforcement settings, each listed session's budget and what needs attention.
 *
 * @param dailyCapUsd       null: no daily budget
 * @param todayRemainingUsd null: no daily budget
 */
record StatusJson(Map<String, BigDecimal> sessions, BigDecimal todayTotalUsd, LocalDate date, String timezone, BigDecimal dailyCapUsd,
                  BigDecimal todayRemainingUsd, BigDecimal todayInFlightUsd, String dailyState, BigDecimal sessionBudgetUsd, BigDecimal warnAt,
                  boolean blockOnLimit, String enforcement, String priceVersion, Map<String, SessionBudgetJson> sessionBudgets,
                  List<WarningJson> warnings) {

  /** The proxy admits atomically and cuts streams off at the cap; there is no soft mode yet. */
  static final String ENFORCEMENT = "hard";

  /** {@code SessionBudget}. */
  record SessionBudgetJson(BigDecimal capUsd, BigDecimal spentUsd, BigDecimal remainingUsd, BigDecimal inFlightUsd, String state) {
  }

  /** {@code StatusWarning}: {@code sessionId} only for {@code session_*} codes, {@code model} only for {@code unknown_model}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record WarningJson(String code, String sessionId, String model, String message) {
  }

  /**
   * @param all       every session; those seen today (created or active on {@code day.day()} in {@code zone}) are listed
   * @param fallbacks the unknown models of today's rows
   */
  static StatusJson of(BudgetSettings budgets, DayView day, ZoneId zone, List<SessionView> all, String priceVersion,
                       List<LedgerQueries.ModelFallback> fallbacks) {
    Map<String, BigDecimal> spent = new LinkedHashMap<>();
    Map<String, SessionBudgetJson> details = new LinkedHashMap<>();
    List<WarningJson> warnings = new ArrayList<>();
    Instant dayStart = day.day().atStartOfDay(zone).toInstant();
    Instant dayEnd = day.day().plusDays(1).atStartOfDay(zone).toInstant();
    for (SessionView s : all) {
      if (!within(s.lastSeen(), dayStart, dayEnd) && !within(s.firstSeen(), dayStart, dayEnd)) {
        continue;
      }
      spent.put(s.id(), Money.usd(s.spentMicros()));
      details.put(s.id(), new SessionBudgetJson(Money.usd(s.capMicros()), Money.usd(s.spentMicros()), Money.usd(s.remainingMicros()),
          Money.usd(s.inFlightMicros()), s.state()));
      if (!s.closed() && s.state().equals("warn")) {
        warnings.add(new WarningJson("session_warn", s.id(), null, "Budget warning: session '" + s.id() + "' " + Money.format(s.spentMicros(), 2) + "/"
            + Money.format(s.capMicros(), 2).substring(1) + percent(s.spentMicros(), s.capMicros()) + ". Raise it: abg raise " + s.id() + " "
            + suggestedRaise(s.capMicros())));
      } else if (!s.closed() && s.state().equals("blocked")) {
        warnings.add(new WarningJson("session_blocked", s.id(), null, "abg: session '" + s.id() + "' reached its cap: "
            + Money.format(s.spentMicros() + s.inFlightMicros(), 2) + " of " + Money.format(s.capMicros(), 2) + ". Raise it: abg raise " + s.id() + " "
            + suggestedRaise(s.capMicros())));
      }
    }
    String dailyState = dailyState(budgets, day);
    day.capMicros().ifPresent(cap -> {
      if (dailyState.equals("blocked")) {
        warnings.add(new WarningJson("daily_blocked", null, null, "abg: the daily budget is reached: " + Money.format(day.committedMicros(), 2) + " of "
            + Money.format(cap, 2) + " across all sessions today. Raise daily_budget_usd with PUT /abg/budgets, or wait until tomorrow (" + zone + ")."));
      } else if (dailyState.equals("warn")) {
        warnings.add(new WarningJson("daily_warn", null, null, "Budget warning: daily " + Money.format(day.committedMicros(), 2) + "/"
            + Money.format(cap, 2).substring(1) + percent(day.committedMicros(), cap) + "."));
      }
    });
    for (LedgerQueries.ModelFallback f : fallbacks) {
      warnings.add(new WarningJson("unknown_model", null, f.model(), "Model '" + f.model() + "' is not in price table " + priceVersion
          + "; priced as " + f.pricedAs() + ". Add it to the pricing section of agentbillguard.yaml to price it exactly."));
    }
    return new StatusJson(spent, Money.usd(day.settledMicros()), day.day(), zone.getId(), day.capMicros().map(Money::usd).orElse(null),
        day.remainingMicros().map(Money::usd).orElse(null), Money.usd(day.committedMicros() - day.settledMicros()), dailyState,
        BudgetsJson.plain(budgets.sessionBudgetUsd()), BudgetsJson.plain(budgets.warnAt()), budgets.blockOnLimit(), ENFORCEMENT, priceVersion,
        details, warnings);
  }

  /** On the day that runs from {@code start} (inclusive) to {@code end} (exclusive), in the configured zone. */
  private static boolean within(Instant at, Instant start, Instant end) {
    return !at.isBefore(start) && at.isBefore(end);
  }

  /** {@code SessionState} applied to the day: blocked at the daily cap (when blocking), warn past {@code warn_at} of it. */
  private static String dailyState(BudgetSettings budgets, DayView day) {
    if (day.capMicros().isEmpty()) {
      return "active";
    }
    long cap = day.capMicros().get();
    if (day.committedMicros() >= cap) {
      return budgets.blockOnLimit() ? "blocked" : "warn";
    }
    BigDecimal threshold = budgets.warnAt().multiply(BigDecimal.valueOf(cap)).setScale(0, RoundingMode.CEILING);
    return BigDecimal.valueOf(day.committedMicros()).compareTo(threshold) >= 0 ? "warn" : "active";
  }

  private static String percent(long spent, long cap) {
    return cap <= 0 ? "" : " (" + BigDecimal.valueOf(spent).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(cap), 0, RoundingMode.DOWN) + "%)";
  }

  /** The raise the block message suggests: 40 % of the cap, at least one dollar. */
  private static long suggestedRaise(long capMicros) {
    return Math.max(1, Math.round(capMicros * 0.4 / Money.MICROS_PER_USD));
  }
}
