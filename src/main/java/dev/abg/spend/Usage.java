package dev.abg.spend;

/**
 * Token counts of one request, in the provider's own terms (never normalised, so that nothing is counted twice).
 *
 * <ul>
 *   <li>Anthropic: {@code inputTokens} excludes cache reads and writes; the cache writes are split into
 *       {@code cacheWrite5mTokens} and {@code cacheWrite1hTokens}; reads are {@code cacheReadTokens}.</li>
 *   <li>OpenAI: {@code inputTokens} <em>includes</em> {@code cachedInputTokens} (a subset) and
 *       {@code cacheWrite5mTokens} (cache writes, priced only where the table has a write price);
 *       {@code outputTokens} <em>includes</em> {@code reasoningTokens}.</li>
 * </ul>
 */
public record Usage(
    long inputTokens,
    long cacheWrite5mTokens,
    long cacheWrite1hTokens,
    long cacheReadTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningTokens) {

  public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || cacheWrite5mTokens < 0 || cacheWrite1hTokens < 0 || cacheReadTokens < 0
        || cachedInputTokens < 0 || outputTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  public static Usage anthropic(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {
    return new Usage(input, cacheWrite5m, cacheWrite1h, cacheRead, 0, output, 0);
  }

  public static Usage openAi(long input, long cachedInput, long cacheWrite, long output, long reasoning) {
    return new Usage(input, cacheWrite, 0, 0, cachedInput, output, reasoning);
  }

  public Usage withOutputTokens(long output) {
    return new Usage(inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, cachedInputTokens, output, reasoningTokens);
  }
}
