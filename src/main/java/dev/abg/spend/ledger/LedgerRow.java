package dev.abg.spend.ledger;

import java.time.Instant;
import java.time.LocalDate;

import dev.abg.spend.Usage;
import dev.abg.spend.Provider;
import dev.abg.spend.UsageSource;

/**
 * One settled request as the ledger keeps it: the SQLite row, the JSONL line and the export all carry these fields.
 *
 * @param id                 the ledger's row id (0 before it is committed)
 * @param action             allow, warn, block or cutoff
 * @param usageSource        reported (the upstream said so) or estimated (it did not, or not completely)
 */
public record LedgerRow(
    long id,
    Instant startedAt,
    Instant endedAt,
    LocalDate day,
    String sessionId,
    String agentId,
    String client,
    Provider provider,
    String endpoint,
    String model,
    String pricedAs,
    boolean priceFallback,
    Usage usage,
    long costMicros,
    long sessionTotalMicros,
    Action action,
    UsageSource usageSource,
    String priceVersion,
    Integer upstreamStatus,
    String requestId) {

  /** What the proxy did with a request, as the ledger records it. */
  public enum Action {
    ALLOW, WARN, BLOCK, CUTOFF;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LedgerRow withSessionTotal(long total) {
    return new LedgerRow(id, startedAt, endedAt, day, sessionId, agentId, client, provider, endpoint, model, pricedAs, priceFallback,
        usage, costMicros, total, action, usageSource, priceVersion, upstreamStatus, requestId);
  }

  public LedgerRow withId(long newId) {
    return new LedgerRow(newId, startedAt, endedAt, day, sessionId, agentId, client, provider, endpoint, model, pricedAs, priceFallback,
        usage, costMicros, sessionTotalMicros, action, usageSource, priceVersion, upstreamStatus, requestId);
  }
}
