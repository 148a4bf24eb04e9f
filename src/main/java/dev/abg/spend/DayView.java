package dev.abg.spend;

import java.time.LocalDate;
import java.util.Optional;

/** Today's spend across all sessions against the daily cap. */
public record DayView(LocalDate day, long settledMicros, long committedMicros, Optional<Long> capMicros) {

  public Optional<Long> remainingMicros() {
    return capMicros.map(cap -> Math.max(0, cap - committedMicros));
  }
}
