package dev.abg.spend;

import java.time.LocalDate;

/** Spend across all sessions on the current day (in the configured time zone); rolls over at midnight. */
final class DailyTotal {

  private LocalDate day;
  private long settledMicros;
  private long inFlightMicros;

  DailyTotal(LocalDate day, long settledMicros) {
    this.day = day;
    this.settledMicros = settledMicros;
  }

  synchronized long committed(LocalDate today) {
    roll(today);
    return settledMicros + inFlightMicros;
  }

  synchronized long settled(LocalDate today) {
    roll(today);
    return settledMicros;
  }

  synchronized void moveInFlight(long deltaMicros) {
    inFlightMicros += deltaMicros;
  }

  synchronized void settle(LocalDate today, long inFlightReleased, long costMicros) {
    roll(today);
    inFlightMicros -= inFlightReleased;
    settledMicros += costMicros;
  }

  private void roll(LocalDate today) {
    if (!today.equals(day)) {
      day = today;
      settledMicros = 0;
    }
  }
}
