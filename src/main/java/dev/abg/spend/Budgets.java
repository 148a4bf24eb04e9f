package dev.abg.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

import dev.abg.config.BudgetSettings;
import dev.abg.config.EnforcementSettings;

/**
 * The budget rules in force: the defaults (from the config file, or set through the admin API), how they are enforced,
 * and the day they count in. Read on every request; replaced whole when the budgets change.
 */
final class Budgets {

  private final EnforcementSettings enforcement;
  private final ZoneId zone;
  private final Clock clock;
  private volatile BudgetSettings current;
  /** The budgets as the config file gives them (changes when the file is reloaded). */
  private volatile BudgetSettings fromConfig;

  Budgets(BudgetSettings fromConfig, Optional<BudgetSettings> stored, EnforcementSettings enforcement, ZoneId zone, Clock clock) {
    this.fromConfig = fromConfig;
    this.current = stored.orElse(fromConfig);
    this.enforcement = enforcement;
    this.zone = zone;
    this.clock = clock;
  }

  BudgetSettings current() {
    return current;
  }

  BudgetSettings fromConfig() {
    return fromConfig;
  }

  /** The budgets now in force; returns the ones they replace. */
  synchronized BudgetSettings replace(BudgetSettings next) {
    BudgetSettings old = current;
    current = next;
    return old;
  }

  /** The config file's budgets changed: they are in force now. Returns the ones they replace. */
  synchronized BudgetSettings replaceFromConfig(BudgetSettings next) {
    fromConfig = next;
    return replace(next);
  }

  /** Whether the budgets in force were set through the admin API (else they are the config file's). */
  boolean fromApi() {
    return !BudgetsCodec.same(current, fromConfig);
  }

  EnforcementSettings enforcement() {
    return enforcement;
  }

  /** Whether hard enforcement applies now (hard mode, and not warn-only). */
  boolean hardCaps() {
    return enforcement.hard() && current.blockOnLimit();
  }

  boolean blocking() {
    return current.blockOnLimit();
  }

  long defaultCapMicros() {
    return Money.micros(current.sessionBudgetUsd());
  }

  Optional<Long> dailyCapMicros() {
    return current.dailyBudgetUsd().map(Money::micros);
  }

  /** Past this much of {@code capMicros}, requests carry a warning. */
  long warnThreshold(long capMicros) {
    return current.warnAt().multiply(BigDecimal.valueOf(capMicros)).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** The {@code x-abg-budget-warning} text for a session and the day, or null when neither is past {@code warn_at}. */
  String warning(long spentMicros, long capMicros, long dailySpentMicros) {
    String session = spentMicros >= warnThreshold(capMicros) ? BlockMessages.warningPart("session", spentMicros, capMicros) : null;
    Optional<Long> dailyCap = dailyCapMicros();
    String daily = dailyCap.isPresent() && dailySpentMicros >= warnThreshold(dailyCap.get())
        ? BlockMessages.warningPart("daily", dailySpentMicros, dailyCap.get()) : null;
    return BlockMessages.warningHeader(session, daily);
  }

  /** The state of a session (or the day) that has {@code committedMicros} against {@code capMicros}. */
  SessionState state(long committedMicros, long capMicros, boolean closed) {
    if (closed || (current.blockOnLimit() && committedMicros >= capMicros)) {
      return SessionState.BLOCKED;
    }
    return committedMicros >= warnThreshold(capMicros) ? SessionState.WARN : SessionState.ACTIVE;
  }

  /** The daily budget reached, as the agent is told. */
  String dailyMessage(long dailySpentMicros) {
    return BlockMessages.daily(dailySpentMicros, dailyCapMicros().orElse(0L), zone);
  }

  ZoneId zone() {
    return zone;
  }

  LocalDate today() {
    return LocalDate.now(clock.withZone(zone));
  }

  LocalDate day(Instant at) {
    return at.atZone(zone).toLocalDate();
  }
}
