package dev.abg.spend;

import java.time.Instant;

/**
 * A session as the admin API and status show it.
 *
 * @param capIsDefault   the cap is the default {@code session_budget_usd}, not the session's own
 * @param spentMicros    settled spend since the last reset
 * @param inFlightMicros what the requests still running have consumed so far
 * @param state          active, warn or blocked
 */
public record SessionView(String id, String label, long capMicros, boolean capIsDefault, long spentMicros, long inFlightMicros, int inFlightRequests,
                          SessionState state, long requests, boolean closed, Instant firstSeen, Instant lastSeen) {

  public long remainingMicros() {
    return Math.max(0, capMicros - spentMicros - inFlightMicros);
  }
}
