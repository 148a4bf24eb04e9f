package dev.abg.spend.ledger;

import java.time.Instant;

/**
 * A session row as stored.
 *
 * @param leasedMicros team mode: what the instances hold of its cap as leases (0 on one instance)
 */
public record StoredSession(String id, String label, Long capMicros, long spentMicros, long leasedMicros, long requests, boolean closed,
                            Instant firstSeen, Instant lastSeen) {
}
