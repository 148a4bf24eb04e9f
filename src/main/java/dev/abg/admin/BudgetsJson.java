package dev.abg.admin;

import java.math.BigDecimal;

import dev.abg.config.BudgetSettings;

/**
 * {@code Budgets}: the defaults in force.
 *
 * @param dailyBudgetUsd null: no daily budget
 * @param source         {@code config} (the config file or the built-in defaults) or {@code api} (the latest PUT)
 */
record BudgetsJson(BigDecimal sessionBudgetUsd, BigDecimal dailyBudgetUsd, BigDecimal warnAt, boolean blockOnLimit, String source) {

  static BudgetsJson of(BudgetSettings b, boolean fromApi) {
    return new BudgetsJson(plain(b.sessionBudgetUsd()), b.dailyBudgetUsd().map(BudgetsJson::plain).orElse(null), plain(b.warnAt()), b.blockOnLimit(),
        fromApi ? "api" : "config");
  }

  /** No exponent and no trailing zeros: {@code 5}, {@code 0.8}. */
  static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
