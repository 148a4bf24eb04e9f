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
 *
 * <p>{@code dimensions} are what else the response states that changes the price: the speed, the inference region, the
 * processing tier and the server-side tools used.
 */
public record Usage(
    long inputTokens,
    long cacheWrite5mTokens,
    long cacheWrite1hTokens,
    long cacheReadTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningTokens,
    Dimensions dimensions) {

  public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0);

  public Usage {
    if (inputTokens < 0 || cacheWrite5mTokens < 0 || cacheWrite1hTokens < 0 || cacheReadTokens < 0
        || cachedInputTokens < 0 || outputTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
    dimensions = dimensions == null ? Dimensions.STANDARD : dimensions;
  }

  /** Token counts served at standard terms (no dimension stated). */
  public Usage(long inputTokens, long cacheWrite5mTokens, long cacheWrite1hTokens, long cacheReadTokens, long cachedInputTokens, long outputTokens,
               long reasoningTokens) {
    this(inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, cachedInputTokens, outputTokens, reasoningTokens, Dimensions.STANDARD);
  }

  /**
   * What a response states, beside its token counts, that changes its price. Each is read from the response, never from
   * the request: a request that asked for fast mode and was served at standard speed is billed standard.
   *
   * @param speed        Anthropic {@code usage.speed}: {@code fast} or null (standard)
   * @param inferenceGeo Anthropic {@code usage.inference_geo}: {@code us} for US-only inference, or null
   * @param serviceTier  the processing tier the provider reports: OpenAI's top-level {@code service_tier} ({@code default},
   *                     {@code auto}, {@code priority}, {@code fast}, {@code flex}, {@code ultrafast}, …), Anthropic's
   *                     {@code usage.service_tier} ({@code standard}, {@code priority}, {@code batch}); null when absent
   * @param webSearches  web searches run by the provider: Anthropic {@code server_tool_use.web_search_requests}, OpenAI
   *                     {@code web_search_call} output items
   * @param webFetches   Anthropic {@code server_tool_use.web_fetch_requests} (tokens only, no fee)
   */
  public record Dimensions(String speed, String inferenceGeo, String serviceTier, long webSearches, long webFetches) {

    public static final Dimensions STANDARD = new Dimensions(null, null, null, 0, 0);

    public Dimensions {
      if (webSearches < 0 || webFetches < 0) {
        throw new IllegalArgumentException("tool counts must not be negative");
      }
    }

    public boolean fast() {
      return "fast".equals(speed);
    }

    public boolean usOnly() {
      return "us".equals(inferenceGeo);
    }
  }

  public Usage withDimensions(Dimensions value) {
    return new Usage(inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, cachedInputTokens, outputTokens, reasoningTokens, value);
  }

  public static Usage anthropic(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {
    return new Usage(input, cacheWrite5m, cacheWrite1h, cacheRead, 0, output, 0);
  }

  public static Usage openAi(long input, long cachedInput, long cacheWrite, long output, long reasoning) {
    return new Usage(input, cacheWrite, 0, 0, cachedInput, output, reasoning);
  }

  public Usage withOutputTokens(long output) {
    return new Usage(inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, cachedInputTokens, output, reasoningTokens, dimensions);
  }
}
