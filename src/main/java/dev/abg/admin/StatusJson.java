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
import dev.abg.config.EnforcementSettings;
import dev.abg.spend.BlockMessages;
import dev.abg.spend.DayView;
import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Money;
import dev.abg.spend.SessionState;
import dev.abg.spend.SessionView;
import dev.abg.spend.price.ModelPrice;
import dev.abg.spend.price.PriceTable;

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
                  List<WarningJson> warnings, List<PriceFallbackJson> priceFallbacks, LedgerJson ledger) {

  /** {@code price_fallbacks}: one model priced by a fallback today, how often, and the prices used. */
  record PriceFallbackJson(String model, String pricedAs, long requests, BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok) {
  }

  /** {@code LedgerState}: whether the ledger takes writes now, and what waits in its journal. */
  record LedgerJson(boolean writable, String problem, Instant since, long journalPending) {

    static final LedgerJson WRITABLE = new LedgerJson(true, null, null, 0);

    static LedgerJson of(dev.abg.spend.ledger.LedgerHealth health) {
      String problem = health.problem().orElse(null);
      return new LedgerJson(problem == null, problem, health.since(), health.pendingInJournal());
    }
  }

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
  static StatusJson of(BudgetSettings budgets, EnforcementSettings.Mode enforcement, DayView day, ZoneId zone, List<SessionView> all, PriceTable prices,
                       List<LedgerQueries.ModelFallback> fallbacks) {
    return of(budgets, enforcement, day, zone, all, prices, fallbacks, LedgerJson.WRITABLE);
  }

  /** @param ledger whether the ledger takes writes now (a {@code ledger_unwritable} warning when not) */
  static StatusJson of(BudgetSettings budgets, EnforcementSettings.Mode enforcement, DayView day, ZoneId zone, List<SessionView> all, PriceTable prices,
                       List<LedgerQueries.ModelFallback> fallbacks, LedgerJson ledger) {
    String priceVersion = prices.version();
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
          Money.usd(s.inFlightMicros()), s.state().wireName()));
      if (!s.closed() && s.state() == SessionState.WARN) {
        warnings.add(new WarningJson("session_warn", s.id(), null, BlockMessages.sessionWarning(s.id(), s.spentMicros(), s.capMicros())));
      } else if (!s.closed() && s.state() == SessionState.BLOCKED) {
        warnings.add(new WarningJson("session_blocked", s.id(), null, BlockMessages.cap(s.id(), s.spentMicros() + s.inFlightMicros(), s.capMicros())));
      }
    }
    SessionState dailyState = dailyState(budgets, day);
    day.capMicros().ifPresent(cap -> {
      if (dailyState == SessionState.BLOCKED) {
        warnings.add(new WarningJson("daily_blocked", null, null, BlockMessages.daily(day.committedMicros(), cap, zone)));
      } else if (dailyState == SessionState.WARN) {
        warnings.add(new WarningJson("daily_warn", null, null, BlockMessages.dailyWarning(day.committedMicros(), cap)));
      }
    });
    if (!ledger.writable()) {
      warnings.add(new WarningJson("ledger_unwritable", null, null, "abg: the ledger cannot be written: " + ledger.problem()
          + "; settled rows wait in the journal, new requests are refused until it can"));
    }
    List<PriceFallbackJson> priceFallbacks = new ArrayList<>();
    for (LedgerQueries.ModelFallback f : fallbacks) {
      String used = f.pricedAs() == null ? null : f.pricedAs().replaceFirst("@.*$", "");
      ModelPrice price = used == null ? null : prices.models().stream().filter(m -> m.model().equals(used)).findFirst().orElse(null);
      BigDecimal input = price == null ? null : BudgetsJson.plain(ModelPrice.usdPerMTok(price.input()));
      BigDecimal output = price == null ? null : BudgetsJson.plain(ModelPrice.usdPerMTok(price.output()));
      priceFallbacks.add(new PriceFallbackJson(f.model(), f.pricedAs(), f.requests(), input, output));
      String rates = price == null ? "" : " ($" + input.toPlainString() + " / $" + output.toPlainString() + " per MTok of " + used + ")";
      String what = f.pricedAs() != null && f.pricedAs().contains("@")
          ? "Model '" + f.model() + "' has no published price for the tier its responses stated; " + f.requests() + " request(s) today priced as "
              + f.pricedAs() + rates + "."
          : "Model '" + f.model() + "' is not in price table " + priceVersion + "; " + f.requests() + " request(s) today priced as " + f.pricedAs()
              + rates + ".";
      warnings.add(new WarningJson("unknown_model", null, f.model(), what + " Add it to the pricing section of agentbillguard.yaml to price it exactly."));
    }
    return new StatusJson(spent, Money.usd(day.settledMicros()), day.day(), zone.getId(), day.capMicros().map(Money::usd).orElse(null),
        day.remainingMicros().map(Money::usd).orElse(null), Money.usd(day.committedMicros() - day.settledMicros()), dailyState.wireName(),
        BudgetsJson.plain(budgets.sessionBudgetUsd()), BudgetsJson.plain(budgets.warnAt()), budgets.blockOnLimit(), enforcement.name().toLowerCase(java.util.Locale.ROOT), priceVersion,
        details, warnings, priceFallbacks, ledger);
  }

  /** On the day that runs from {@code start} (inclusive) to {@code end} (exclusive), in the configured zone. */
  private static boolean within(Instant at, Instant start, Instant end) {
    return !at.isBefore(start) && at.isBefore(end);
  }

  /** {@code SessionState} applied to the day: blocked at the daily cap (when blocking), warn past {@code warn_at} of it. */
  private static SessionState dailyState(BudgetSettings budgets, DayView day) {
    if (day.capMicros().isEmpty()) {
      return SessionState.ACTIVE;
    }
    long cap = day.capMicros().get();
    if (day.committedMicros() >= cap) {
      return budgets.blockOnLimit() ? SessionState.BLOCKED : SessionState.WARN;
    }
    BigDecimal threshold = budgets.warnAt().multiply(BigDecimal.valueOf(cap)).setScale(0, RoundingMode.CEILING);
    return BigDecimal.valueOf(day.committedMicros()).compareTo(threshold) >= 0 ? SessionState.WARN : SessionState.ACTIVE;
  }
}
