package dev.abg.spend;

/** The answer to an {@link Admission}: let it through with a reservation, or block it with a message. */
public sealed interface BudgetDecision {

  Standing standing();

  /** Admitted: forward the request, then settle the reservation exactly once. */
  record Granted(Reservation reservation, Standing standing) implements BudgetDecision {
  }

  /**
   * Blocked before anything reached the upstream.
   *
   * @param message the text the agent shows verbatim: names the session, its spend, its cap and how to raise it
   */
  record Denied(Reason reason, String message, Standing standing) implements BudgetDecision {
  }

  /** Why a request was blocked. */
  enum Reason {
    SESSION_CAP, DAILY_CAP, SESSION_CLOSED, RUNAWAY
  }
}
