package dev.abg.config;

import java.util.Optional;

/**
 * How caps are enforced, and the runaway breaker.
 *
 * @param mode             {@code enforcement}: {@code hard} (default: requests in flight count against the cap and streams
 *                         are cut off when it is reached) or {@code soft} (the seed's behaviour: the request that crosses
 *                         the cap completes, the next one is blocked)
 * @param maxMicrosPerMinute {@code max_usd_per_minute}: a session spending faster than this over the last minute is
 *                         blocked until its rate drops; empty = off
 * @param loopMaxRepeats   {@code loop_max_repeats}: a session sending the very same request body more than this many times
 *                         in a row is blocked as a loop; 0 = off
 */
public record EnforcementSettings(Mode mode, Optional<Long> maxMicrosPerMinute, int loopMaxRepeats) {

  /** The two enforcement modes. */
  public enum Mode {
    HARD, SOFT
  }

  public boolean hard() {
    return mode == Mode.HARD;
  }
}
