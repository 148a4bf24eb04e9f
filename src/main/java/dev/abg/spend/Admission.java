package dev.abg.spend;

import java.time.Instant;

/**
 * A request asking to be let through: who it belongs to and what it is.
 *
 * @param client          claude-code, codex or other
 * @param endpoint        the upstream path without query, e.g. {@code /v1/messages}
 * @param model           the model the request names
 * @param inputTokens     the request's input tokens: exact when counted upstream, else a low estimate from its size
 * @param inputCounted    {@code inputTokens} was counted exactly (near the cap)
 * @param bodyFingerprint a hash of the request body, for the loop detector
 */
public record Admission(String sessionId, String agentId, String client, Provider provider, String endpoint, String model, Instant startedAt,
                        long inputTokens, boolean inputCounted, long bodyFingerprint) {
}
