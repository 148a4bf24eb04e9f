package dev.abg.spend;

import java.time.Instant;

/**
 * How an admitted request ended, as the proxy saw it.
 *
 * @param model          the model the upstream reported (or the requested one when it reported none)
 * @param usage          the tokens to bill
 * @param usageSource    reported when the upstream's final usage was seen, else estimated
 * @param upstreamStatus the upstream's HTTP status, null when no response arrived
 * @param requestId      the upstream's request id, when it sent one
 * @param cutOff         the proxy ended the stream because the cap was reached
 */
public record Outcome(String model, Usage usage, UsageSource usageSource, Integer upstreamStatus, String requestId, boolean cutOff,
                      Instant endedAt) {
}
