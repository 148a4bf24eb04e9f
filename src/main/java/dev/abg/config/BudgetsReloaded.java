package dev.abg.config;

/** The config file's budget keys were edited while abg runs: {@code budgets} are the values it now gives. */
public record BudgetsReloaded(BudgetSettings budgets) {
}
