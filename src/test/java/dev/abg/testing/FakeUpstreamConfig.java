package dev.abg.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link FakeUpstream} answers, settable per test (fluent; every setter returns {@code this}). Thread-safe: a test may change
 * it while requests run; each request takes one consistent snapshot when it arrives. {@link FakeUpstream#reset()} restores the
 * defaults, which reproduce the recorded samples ({@link ReferenceSamples}, docs/agents.md §4): Anthropic usage 120 input / 30 cache write / 1000 cache read / 7 output,
 * OpenAI usage 1500 input / 1024 cached / 40 output / 30 reasoning, and the answer {@code "Hi from mock (<model>)"} in 2 text deltas.
 */
public final class FakeUpstreamConfig {

  /** The default answer text for a model, as in the samples. */
  public static String defaultText(String model) {
    return "Hi from mock (" + model + ")";
  }

  private long inputTokens;
  private long cacheWrite5mTokens;
  private long cacheWrite1hTokens;
  private long cacheReadTokens;
  private long outputTokens;
  private boolean cacheCreationBreakdown;
  private boolean fullUsageInMessageDelta;
  private Long countTokens;
  private long openAiInputTokens;
  private long openAiCachedTokens;
  private long openAiOutputTokens;
  private long openAiReasoningTokens;
  private int textEvents;
  private List<String> deltas;
  private String text;
  private long eventDelayMs;
  private long headersDelayMs;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private boolean requestIdHeaders;
  private final Deque<CannedResponse> nextResponses = new ArrayDeque<>();
  private Fault fault;
  private int faultAfterEvents;
  private int faultTimes;
  private boolean gzipWhenAccepted;
  private long hangLimitMs;
  private Map<String, Object> usageExtras = Map.of();

  FakeUpstreamConfig() {
    reset();
  }

  /** Back to the defaults; also drops queued {@link #respondNext} answers. */
  public synchronized FakeUpstreamConfig reset() {
    inputTokens = 120;
    cacheWrite5mTokens = 30;
    cacheWrite1hTokens = 0;
    cacheReadTokens = 1000;
    outputTokens = 7;
    cacheCreationBreakdown = false;
    fullUsageInMessageDelta = false;
    usageExtras = Map.of();
    countTokens = null;
    openAiInputTokens = 1500;
    openAiCachedTokens = 1024;
    openAiOutputTokens = 40;
    openAiReasoningTokens = 30;
    textEvents = 2;
    deltas = null;
    text = null;
    eventDelayMs = 0;
    headersDelayMs = 0;
    responseHeaders.clear();
    requestIdHeaders = true;
    nextResponses.clear();
    fault = Fault.NONE;
    faultAfterEvents = 0;
    faultTimes = -1;
    gzipWhenAccepted = false;
    hangLimitMs = 30_000;
    return this;
  }

  /**
   * Anthropic usage. {@code cache_creation_input_tokens} is reported as {@code cacheWrite5m + cacheWrite1h}; the split is shown in
   * {@code usage.cache_creation} when {@link #cacheCreationBreakdown(boolean)} is on (turned on here when {@code cacheWrite1h > 0}).
   * {@code message_start} reports {@code output_tokens} 1 (0 when {@code output} is 0), {@code message_delta} the total.
   */
  public synchronized FakeUpstreamConfig anthropicUsage(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {
    requireNonNegative(input, cacheWrite5m, cacheWrite1h, cacheRead, output);
    inputTokens = input;
    cacheWrite5mTokens = cacheWrite5m;
    cacheWrite1hTokens = cacheWrite1h;
    cacheReadTokens = cacheRead;
    outputTokens = output;
    if (cacheWrite1h > 0) {
      cacheCreationBreakdown = true;
    }
    return this;
  }

  /** Whether Anthropic usage objects carry {@code "cache_creation": {"ephemeral_5m_input_tokens": .., "ephemeral_1h_input_tokens": ..}}
   *  (as the current API does). Off by default, as in the samples. */
  public synchronized FakeUpstreamConfig cacheCreationBreakdown(boolean on) {
    cacheCreationBreakdown = on;
    return this;
  }

  /** Whether {@code message_delta.usage} repeats the input and cache counts next to {@code output_tokens} (newer API versions do).
   *  Off by default, as in the samples. */
  public synchronized FakeUpstreamConfig fullUsageInMessageDelta(boolean on) {
    fullUsageInMessageDelta = on;
    return this;
  }

  /** The answer of {@code /v1/messages/count_tokens}; by default the Anthropic input tokens. */
  public synchronized FakeUpstreamConfig countTokens(long tokens) {
    requireNonNegative(tokens);
    countTokens = tokens;
    return this;
  }

  /** OpenAI usage: {@code input} includes {@code cached}, {@code output} includes {@code reasoning} (chat completions report the same
   *  numbers as {@code prompt_tokens}, {@code completion_tokens} and their details). */
  public synchronized FakeUpstreamConfig openAiUsage(long input, long cached, long output, long reasoning) {
    requireNonNegative(input, cached, output, reasoning);
    if (cached > input || reasoning > output) {
      throw new IllegalArgumentException("cached must be <= input and reasoning <= output");
    }
    openAiInputTokens = input;
    openAiCachedTokens = cached;
    openAiOutputTokens = output;
    openAiReasoningTokens = reasoning;
    return this;
  }

  /** How many text deltas a stream carries (0 allowed); the answer text is split evenly over them. Drops {@link #deltas}. */
  public synchronized FakeUpstreamConfig textEvents(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("textEvents must be >= 0");
    }
    textEvents = n;
    deltas = null;
    return this;
  }

  /** The exact text of each delta (their number becomes the number of text events). */
  public synchronized FakeUpstreamConfig deltas(String... pieces) {
    deltas = List.of(pieces);
    textEvents = pieces.length;
    return this;
  }

  /** The whole answer text, split evenly over {@link #textEvents(int)} deltas. Drops {@link #deltas}. */
  public synchronized FakeUpstreamConfig text(String fullText) {
    text = fullText;
    deltas = null;
    return this;
  }

  /** Delay before each text delta of a stream. */
  public synchronized FakeUpstreamConfig eventDelayMs(long ms) {
    requireNonNegative(ms);
    eventDelayMs = ms;
    return this;
  }

  /** Delay between the arrival of the request body and the response status line (every route). */
  public synchronized FakeUpstreamConfig headersDelayMs(long ms) {
    requireNonNegative(ms);
    headersDelayMs = ms;
    return this;
  }

  /** A header added to every answer (replaces one of the same name, also {@code request-id}). */
  public synchronized FakeUpstreamConfig responseHeader(String name, String value) {
    responseHeaders.put(name, value);
    return this;
  }

  /** Whether answers carry {@code request-id: req_fake_<seq>} (Anthropic routes) or {@code x-request-id: req_fake_<seq>}
   *  (OpenAI routes), as the real APIs do. On by default. */
  public synchronized FakeUpstreamConfig requestIdHeaders(boolean on) {
    requestIdHeaders = on;
    return this;
  }

  /** Answers the next {@code n} requests, whatever their route, with {@code response} (queued after earlier ones). */
  public synchronized FakeUpstreamConfig respondNext(int n, CannedResponse response) {
    for (int i = 0; i < n; i++) {
      nextResponses.add(response);
    }
    return this;
  }

  /** Injects {@code fault} into every answer of the three generation routes (messages, responses, chat completions) until changed. */
  public synchronized FakeUpstreamConfig fault(Fault f, int afterEvents) {
    return faultNext(-1, f, afterEvents);
  }

  /** Injects {@code fault} into the next {@code times} generation answers only ({@code -1}: all of them), then answers normally. */
  public synchronized FakeUpstreamConfig faultNext(int times, Fault f, int afterEvents) {
    if (afterEvents < 0) {
      throw new IllegalArgumentException("afterEvents must be >= 0");
    }
    fault = f;
    faultAfterEvents = afterEvents;
    faultTimes = times;
    return this;
  }

  /** When on, answers are gzip-compressed if the request's {@code Accept-Encoding} allows gzip (streams with a sync flush per event),
   *  so a test can prove that a proxy asks upstream for {@code identity}. Off by default. */
  public synchronized FakeUpstreamConfig gzipWhenAccepted(boolean on) {
    gzipWhenAccepted = on;
    return this;
  }

  /** How long a {@link Fault#HANG} lasts before the fake resets the connection itself (default 30 s), so nothing hangs forever. */
  public synchronized FakeUpstreamConfig hangLimitMs(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("hangLimitMs must be > 0");
    }
    hangLimitMs = ms;
    return this;
  }

  /** How many {@link #respondNext} answers are still queued. */
  public synchronized int queuedResponses() {
    return nextResponses.size();
  }

  /** The plan for one request: the next canned answer, or the normal answer with the fault (consumed) that applies to it. */
  synchronized Plan take(boolean generation) {
    CannedResponse canned = nextResponses.poll();
    Fault f = Fault.NONE;
    if (canned == null && generation && fault != Fault.NONE && faultTimes != 0) {
      f = fault;
      if (faultTimes > 0 && --faultTimes == 0) {
        fault = Fault.NONE;
      }
    }
    return new Plan(canned, f, faultAfterEvents, inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, outputTokens,
        cacheCreationBreakdown, fullUsageInMessageDelta, countTokens == null ? inputTokens : countTokens, openAiInputTokens,
        openAiCachedTokens, openAiOutputTokens, openAiReasoningTokens, textEvents, deltas, text, eventDelayMs, headersDelayMs,
        Collections.unmodifiableMap(new LinkedHashMap<>(responseHeaders)), requestIdHeaders, gzipWhenAccepted, hangLimitMs, usageExtras);
  }

  /**
   * The price dimensions an Anthropic response states, as the real API reports them in {@code usage} (message_start,
   * message_delta and the JSON body): {@code speed}, {@code inference_geo}, {@code service_tier: "standard"} and
   * {@code server_tool_use}. {@code speed} or {@code inferenceGeo} null: left out.
   */
  /**
   * The price dimensions an OpenAI response states: the top-level {@code service_tier} (Responses and Chat Completions)
   * and, in a Responses answer, {@code webSearchCalls} {@code web_search_call} output items before the message.
   */
  public synchronized FakeUpstreamConfig openAiDimensions(String serviceTier, int webSearchCalls) {
    Map<String, Object> extras = new LinkedHashMap<>(usageExtras);
    extras.put("openai_service_tier", serviceTier);
    extras.put("openai_web_search_calls", webSearchCalls);
    usageExtras = Collections.unmodifiableMap(extras);
    return this;
  }

  public synchronized FakeUpstreamConfig anthropicDimensions(String speed, String inferenceGeo, long webSearches, long webFetches) {
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put("service_tier", "standard");
    if (inferenceGeo != null) {
      extras.put("inference_geo", inferenceGeo);
    }
    if (speed != null) {
      extras.put("speed", speed);
    }
    Map<String, Object> tools = new LinkedHashMap<>();
    tools.put("web_search_requests", webSearches);
    tools.put("web_fetch_requests", webFetches);
    extras.put("server_tool_use", tools);
    usageExtras = Collections.unmodifiableMap(extras);
    return this;
  }

  /** An immutable snapshot of the settings for one request. */
  record Plan(CannedResponse canned, Fault fault, int faultAfterEvents, long inputTokens, long cacheWrite5mTokens, long cacheWrite1hTokens,
      long cacheReadTokens, long outputTokens, boolean cacheCreationBreakdown, boolean fullUsageInMessageDelta, long countTokens,
      long openAiInputTokens, long openAiCachedTokens, long openAiOutputTokens, long openAiReasoningTokens, int textEvents,
      List<String> deltas, String text, long eventDelayMs, long headersDelayMs, Map<String, String> responseHeaders,
      boolean requestIdHeaders, boolean gzipWhenAccepted, long hangLimitMs, Map<String, Object> usageExtras) {

    /** This plan with the fault named by a request's {@code x-fake-fault} header ({@code NAME[:afterEvents]}), for per-request faults
     *  under concurrent load. */
    Plan withFault(String spec) {
      String[] parts = spec.trim().split(":");
      Fault f = Fault.valueOf(parts[0].trim().toUpperCase(java.util.Locale.ROOT));
      int after = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
      return new Plan(canned, f, after, inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, outputTokens, cacheCreationBreakdown,
          fullUsageInMessageDelta, countTokens, openAiInputTokens, openAiCachedTokens, openAiOutputTokens, openAiReasoningTokens, textEvents, deltas,
          text, eventDelayMs, headersDelayMs, responseHeaders, requestIdHeaders, gzipWhenAccepted, hangLimitMs, usageExtras);
    }

    /** The text of each delta for a model's answer. */
    List<String> pieces(String model) {
      if (deltas != null) {
        return deltas;
      }
      String full = fullText(model);
      List<String> out = new ArrayList<>(textEvents);
      for (int i = 0; i < textEvents; i++) {
        out.add(full.substring(i * full.length() / textEvents, (i + 1) * full.length() / textEvents));
      }
      return out;
    }

    /** The whole answer of a non-streamed response (independent of the number of deltas unless they are given). */
    String fullText(String model) {
      if (deltas != null) {
        return String.join("", deltas);
      }
      return text != null ? text : defaultText(model);
    }

    /** Output tokens produced once {@code k} of {@code n} deltas are out. */
    static long tokensAfter(long total, int k, int n) {
      return n == 0 ? 0 : total * k / n;
    }
  }

  private static void requireNonNegative(long... values) {
    for (long v : values) {
      if (v < 0) {
        throw new IllegalArgumentException("values must be >= 0");
      }
    }
  }
}
