package dev.abg.spend;

import java.time.ZoneId;

/**
 * Every text abg shows an agent or an operator about a budget: the block messages (which the agents print verbatim), the
 * warnings, and the raise they suggest. The proxy's blocks and the status's warnings take their wording from here, so a
 * block reads the same wherever it is seen.
 */
public final class BlockMessages {

  private BlockMessages() {
  }

  /** The session has reached its cap. */
  public static String cap(String session, long spentMicros, long capMicros) {
    return "abg: session '" + session + "' reached its cap: " + Money.format(spentMicros, 2) + " of " + Money.format(capMicros, 2) + ". Raise it: "
        + raiseCommand(session, capMicros);
  }

  /** The session is not at its cap, but this request's input alone cannot fit in what is left. */
  public static String cannotAfford(String session, long spentMicros, long capMicros, long minimumMicros) {
    return "abg: session '" + session + "' is at its cap: " + Money.format(spentMicros, 2) + " of " + Money.format(capMicros, 2)
        + ", and this request's input alone costs at least " + Money.format(minimumMicros, 4) + ". Raise it: " + raiseCommand(session, capMicros);
  }

  /** The day's budget across all sessions is reached. */
  public static String daily(long dailySpentMicros, long dailyCapMicros, ZoneId zone) {
    return "abg: the daily budget is reached: " + Money.format(dailySpentMicros, 2) + " of " + Money.format(dailyCapMicros, 2)
        + " across all sessions today. Raise daily_budget_usd in agentbillguard.yaml or with PUT /abg/budgets, or wait until tomorrow (" + zone + ").";
  }

  /** The session was closed through the admin API. */
  /**
   * Team mode: this instance lost touch with the shared ledger longer than its leases are sure to last (a pause, a frozen
   * VM, PostgreSQL out of reach), so the other instances may have been handed them: its streams stop.
   */
  public static String fenced(long seconds) {
    return "abg: this proxy instance lost touch with the team ledger for " + seconds + " s (paused, or PostgreSQL out of reach); its streams were "
        + "stopped so that the budget it held cannot be spent twice. Retry the request.";
  }

  public static String closed(String session) {
    return "abg: session '" + session + "' is closed; it accepts no more requests. Start the agent with a new session id.";
  }

  /** The {@code x-abg-budget-warning} text: which caps are past {@code warn_at}; null when none is. */
  public static String warningHeader(String sessionPart, String dailyPart) {
    if (sessionPart == null && dailyPart == null) {
      return null;
    }
    StringBuilder w = new StringBuilder("Budget warning: ");
    if (sessionPart != null) {
      w.append(sessionPart);
    }
    if (dailyPart != null) {
      w.append(sessionPart != null ? " " : "").append(dailyPart);
    }
    return w.toString();
  }

  /** One part of {@link #warningHeader}: {@code session=$4.12/5.00}. */
  public static String warningPart(String what, long spentMicros, long capMicros) {
    return what + "=" + Money.format(spentMicros, 2) + "/" + Money.format(capMicros, 2).substring(1);
  }

  /** The status's warning for a session past {@code warn_at}. */
  public static String sessionWarning(String session, long spentMicros, long capMicros) {
    return "Budget warning: session '" + session + "' " + Money.format(spentMicros, 2) + "/" + Money.format(capMicros, 2).substring(1)
        + percent(spentMicros, capMicros) + ". Raise it: " + raiseCommand(session, capMicros);
  }

  /** The status's warning for the day past {@code warn_at}. */
  public static String dailyWarning(long dailySpentMicros, long dailyCapMicros) {
    return "Budget warning: daily " + Money.format(dailySpentMicros, 2) + "/" + Money.format(dailyCapMicros, 2).substring(1)
        + percent(dailySpentMicros, dailyCapMicros) + ".";
  }

  /** The command a block suggests: {@code abg raise SESSION N}. */
  public static String raiseCommand(String session, long capMicros) {
    return "abg raise " + session + " " + suggestedRaiseUsd(capMicros);
  }

  /** The raise a block suggests, in whole dollars: 40 % of the cap, at least one dollar. */
  public static long suggestedRaiseUsd(long capMicros) {
    return Math.max(1, Math.round(capMicros * 0.4 / Money.MICROS_PER_USD));
  }

  private static String percent(long spentMicros, long capMicros) {
    return capMicros <= 0 ? "" : " (" + Money.percentOf(spentMicros, capMicros) + "%)";
  }
}
