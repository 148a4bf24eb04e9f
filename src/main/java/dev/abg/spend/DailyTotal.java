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

  /** A request that ended on {@code endDay}: a request that began before midnight and ended after counts for the new day. */
  synchronized void settle(LocalDate endDay, long inFlightReleased, long costMicros) {
    roll(endDay);
    inFlightMicros -= inFlightReleased;
    if (!endDay.isBefore(day)) {
      settledMicros += costMicros;
    }
  }

  /** Rolls forward only: a late call with an earlier day never wipes the current day's total. */
  private void roll(LocalDate today) {
    if (today.isAfter(day)) {
      day = today;
      settledMicros = 0;
    }
  }
}
