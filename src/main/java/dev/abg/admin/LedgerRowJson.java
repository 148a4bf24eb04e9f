package dev.abg.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.abg.spend.ledger.LedgerRow;
import dev.abg.spend.Money;

/**
 * {@code LedgerRow}: a request row as {@code GET /abg/requests} lists it: the fields of the JSONL line
 * ({@link dev.abg.spend.ledger.JsonlLine}, whose {@code ts} is when the row was recorded) with the row {@code id} and the time
 * the request started.
 */
record LedgerRowJson(
    long id,
    Instant startedAt,
    Instant ts,
    LocalDate date,
    String sessionId,
    String model,
    long inputTokens,
    long outputTokens,
    BigDecimal costUsd,
    BigDecimal sessionTotalUsd,
    String action,
    String provider,
    String endpoint,
    String client,
    String agentId,
    @JsonProperty("cache_creation_5m_tokens") long cacheCreation5mTokens,
    @JsonProperty("cache_creation_1h_tokens") long cacheCreation1hTokens,
    long cacheReadTokens,
    long cachedInputTokens,
    long reasoningTokens,
    String usageSource,
    String priceVersion,
    Integer upstreamStatus,
    String requestId,
    String pricedAs,
    boolean priceFallback,
    String speed,
    String inferenceGeo,
    String serviceTier,
    long webSearchRequests,
    long webFetchRequests) {

  static LedgerRowJson of(LedgerRow r) {
    return new LedgerRowJson(r.id(), SessionJson.millis(r.startedAt()), SessionJson.millis(r.endedAt()), r.day(), r.sessionId(), r.model(),
        r.usage().inputTokens(), r.usage().outputTokens(), Money.usd(r.costMicros()), Money.usd(r.sessionTotalMicros()), r.action().wireName(),
        r.provider().wireName(), r.endpoint(), r.client(), r.agentId(), r.usage().cacheWrite5mTokens(), r.usage().cacheWrite1hTokens(),
        r.usage().cacheReadTokens(), r.usage().cachedInputTokens(), r.usage().reasoningTokens(), r.usageSource().wireName(), r.priceVersion(),
        r.upstreamStatus(), r.requestId(), r.pricedAs(), r.priceFallback(), r.usage().dimensions().speed(), r.usage().dimensions().inferenceGeo(),
        r.usage().dimensions().serviceTier(), r.usage().dimensions().webSearches(), r.usage().dimensions().webFetches());
  }
}
