package dev.abg.spend;

import dev.abg.config.EnforcementSettings;

/**
 * The runaway breaker: a session that spends faster than {@code max_usd_per_minute} over the last minute, or that sends
 * the very same request body more than {@code loop_max_repeats} times in a row, is blocked with its own message. Its
 * state lives in the session's account and is read and changed under the account's monitor.
 *
 * <p>The last minute's spend is kept in sixty one-second buckets (a ring indexed by the second), so a session's state
 * has the same size at one request a minute and at thousands a second; "the last minute" is the current second and
 * the 59 before it.
 */
final class RunawayBreaker {

  private static final int SECONDS = 60;

  /** Per-session state. */
  static final class State {
    /** Spend settled in each of the last 60 seconds: slot {@code second % 60} holds that second's, if it is that second. */
    private final long[] micros = new long[SECONDS];
    private final long[] second = new long[SECONDS];
    private long lastFingerprint;
    private int repeats;
  }

  private RunawayBreaker() {
  }

  /**
   * The block message when a breaker trips for this request, else null. Only answered requests count as repeats: a
   * retry after an upstream error (a 529 storm, a 5xx) is the agent doing the right thing, not a loop.
   */
  static String check(EnforcementSettings settings, SessionAccount account, Admission request, long nowMillis) {
    State s = account.breaker;
    int max = settings.loopMaxRepeats();
    if (max > 0 && request.bodyFingerprint() != 0 && request.bodyFingerprint() == s.lastFingerprint && s.repeats >= max) {
      return "abg: session '" + account.id + "' sent the same request " + (s.repeats + 1) + " times in a row; the agent looks stuck in a loop"
          + " (loop_max_repeats is " + max + "). Change the request, or reset the session: abg reset " + account.id;
    }
    if (settings.maxMicrosPerMinute().isPresent()) {
      long perMinute = settings.maxMicrosPerMinute().get();
      long lastMinute = spentLastMinute(s, nowMillis) + account.inFlightMicros;
      if (lastMinute >= perMinute) {
        return "abg: session '" + account.id + "' spent " + Money.format(lastMinute, 2) + " in the last minute, over max_usd_per_minute "
            + Money.format(perMinute, 2) + "; a runaway loop? It resumes when the rate drops, or raise max_usd_per_minute.";
      }
    }
    return null;
  }

  static void settled(SessionAccount account, long nowMillis, long costMicros, long fingerprint, Integer upstreamStatus) {
    State s = account.breaker;
    if (upstreamStatus != null && upstreamStatus >= 200 && upstreamStatus < 300) {
      if (fingerprint != 0 && fingerprint == s.lastFingerprint) {
        s.repeats++;
      } else {
        s.lastFingerprint = fingerprint;
        s.repeats = 1;
      }
    }
    if (costMicros > 0) {
      long now = Math.floorDiv(nowMillis, 1000);
      int slot = (int) Math.floorMod(now, SECONDS);
      if (s.second[slot] > now) {
        return;   // a minute older than spend already counted: outside every window still asked about
      }
      if (s.second[slot] != now) {
        s.second[slot] = now;
        s.micros[slot] = 0;
      }
      s.micros[slot] += costMicros;
    }
  }

  static long spentLastMinute(State s, long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    long sum = 0;
    for (int i = 0; i < SECONDS; i++) {
      if (s.second[i] > now - SECONDS && s.second[i] <= now) {
        sum += s.micros[i];
      }
    }
    return sum;
  }
}
