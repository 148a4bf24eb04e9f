package dev.abg.spend.ledger;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.abg.spend.Money;
import dev.abg.spend.Usage;

/**
 * The JSONL ledger line: the seed's fields first (docs/seed.md), then ours, in the order of openapi/admin-api.yaml's LedgerLine. {@code GET /abg/export} streams the
 * same lines.
 */
public final class JsonlLine {

  private static final JsonFactory JSON = new JsonFactory();

  private JsonlLine() {
  }

  /** One line, without the trailing newline. */
  public static String of(LedgerRow row) {
    return of(row, null);
  }

  /**
   * What a row would cost under another price table (an audit after a price correction), beside what it was charged.
   *
   * @param costMicros   the cost under that table
   * @param pricedAs     the prices used
   * @param priceVersion that table's version
   */
  public record Repriced(long costMicros, String pricedAs, String priceVersion) {
  }

  /** The line, with {@code repriced_cost_usd}, {@code repriced_priced_as} and {@code repriced_price_version} when {@code repriced} is given. */
  public static String of(LedgerRow row, Repriced repriced) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", row.endedAt().truncatedTo(ChronoUnit.MILLIS).toString());
      g.writeStringField("date", row.day().toString());
      g.writeStringField("session_id", row.sessionId());
      g.writeStringField("model", row.model());
      g.writeNumberField("input_tokens", row.usage().inputTokens());
      g.writeNumberField("output_tokens", row.usage().outputTokens());
      g.writeNumberField("cost_usd", usd(row.costMicros()));
      g.writeNumberField("session_total_usd", usd(row.sessionTotalMicros()));
      g.writeStringField("action", row.action().wireName());
      g.writeStringField("provider", row.provider().wireName());
      g.writeStringField("endpoint", row.endpoint());
      g.writeStringField("client", row.client());
      g.writeStringField("agent_id", row.agentId());
      g.writeNumberField("cache_creation_5m_tokens", row.usage().cacheWrite5mTokens());
      g.writeNumberField("cache_creation_1h_tokens", row.usage().cacheWrite1hTokens());
      g.writeNumberField("cache_read_tokens", row.usage().cacheReadTokens());
      g.writeNumberField("cached_input_tokens", row.usage().cachedInputTokens());
      g.writeNumberField("reasoning_tokens", row.usage().reasoningTokens());
      g.writeStringField("usage_source", row.usageSource().wireName());
      g.writeStringField("price_version", row.priceVersion());
      if (row.upstreamStatus() == null) {
        g.writeNullField("upstream_status");
      } else {
        g.writeNumberField("upstream_status", row.upstreamStatus());
      }
      g.writeStringField("request_id", row.requestId());
      g.writeStringField("priced_as", row.pricedAs());
      g.writeBooleanField("price_fallback", row.priceFallback());
      dimensions(g, row.usage().dimensions());
      g.writeNumberField("ledger_id", row.id());
      if (repriced != null) {
        g.writeNumberField("repriced_cost_usd", usd(repriced.costMicros()));
        g.writeStringField("repriced_priced_as", repriced.pricedAs());
        g.writeStringField("repriced_price_version", repriced.priceVersion());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The price dimensions' fields, as the ledger's columns name them (the journal writes them the same way). */
  static void dimensions(JsonGenerator g, Usage.Dimensions d) throws IOException {
    g.writeStringField("speed", d.speed());
    g.writeStringField("inference_geo", d.inferenceGeo());
    g.writeStringField("service_tier", d.serviceTier());
    g.writeNumberField("web_search_requests", d.webSearches());
    g.writeNumberField("web_fetch_requests", d.webFetches());
  }

  private static BigDecimal usd(long micros) {
    return Money.usd(micros);
  }
}
