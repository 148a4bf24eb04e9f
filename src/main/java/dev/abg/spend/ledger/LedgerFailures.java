package dev.abg.spend.ledger;

import java.sql.SQLException;

/** Tells a ledger that cannot answer (its database is down, unreachable or out of connections) from other failures. */
public final class LedgerFailures {

  private LedgerFailures() {
  }

  /** Whether {@code failure}, or anything that caused it, is the database failing. */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException) {
        return true;
      }
    }
    return false;
  }
}
