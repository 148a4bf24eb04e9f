package dev.abg.config;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The budget defaults: what a session gets unless the admin API gave it its own cap, the cap across all sessions per day,
 * the warning threshold and warn-only mode.
 *
 * @param sessionBudgetUsd {@code session_budget_usd}: default cap of each session
 * @param dailyBudgetUsd   {@code daily_budget_usd}: cap across all sessions per day; empty = no daily cap
 * @param warnAt           {@code warn_at}: fraction of a cap past which requests carry a warning (0 &lt; x &le; 1)
 * @param blockOnLimit     {@code block_on_limit}: false = warn-only mode, nothing is ever blocked
 */
public record BudgetSettings(BigDecimal sessionBudgetUsd, Optional<BigDecimal> dailyBudgetUsd, BigDecimal warnAt, boolean blockOnLimit) {
}
