package dev.abg.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.abg.spend.Money;
import dev.abg.spend.SessionView;

/** {@code Session}: a session as the API shows it; spend and requests count since its last reset. */
record SessionJson(String id, String label, BigDecimal capUsd, BigDecimal spentUsd, BigDecimal remainingUsd, BigDecimal inFlightUsd, String state,
                   long requests, Instant firstSeen, Instant lastSeen, boolean closed) {

  /** @param requestsSinceReset the session's ledger rows since its last reset */
  static SessionJson of(SessionView v, long requestsSinceReset) {
    return new SessionJson(v.id(), v.label(), Money.usd(v.capMicros()), Money.usd(v.spentMicros()), Money.usd(v.remainingMicros()),
        Money.usd(v.inFlightMicros()), v.state().wireName(), requestsSinceReset, millis(v.firstSeen()), millis(v.lastSeen()), v.closed());
  }

  static Instant millis(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
  }
}
