package dev.abg.admin;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import dev.abg.config.BudgetSettings;

/** {@code BudgetsUpdate}: the body of {@code PUT /abg/budgets}, all four values required. */
record BudgetsUpdate(BudgetSettings settings) {

  static final List<String> FIELDS = List.of("session_budget_usd", "daily_budget_usd", "warn_at", "block_on_limit");

  static BudgetsUpdate from(byte[] body) {
    JsonBody json = JsonBody.parse(body, FIELDS);
    for (String field : FIELDS) {
      if (!json.has(field)) {
        json.errors().add(field, "is required: PUT replaces all four of " + String.join(", ", FIELDS));
      }
    }
    BigDecimal session = json.money("session_budget_usd", false);
    // null: no daily budget, as "daily_budget_usd: off" in the config file
    boolean noDaily = json.isNull("daily_budget_usd");
    BigDecimal daily = noDaily ? null : json.money("daily_budget_usd", false);
    BigDecimal warnAt = json.fraction("warn_at");
    Boolean block = json.bool("block_on_limit");
    json.validated();
    return new BudgetsUpdate(new BudgetSettings(session, Optional.ofNullable(daily), warnAt, block));
  }
}
