package dev.abg.spend.ledger;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.abg.spend.Provider;
import dev.abg.spend.Usage;
import dev.abg.spend.UsageSource;

/**
 * A {@link LedgerOp} as one line of the {@link SpillJournal}: every field it carries, so that a replay writes what the
 * store would have written. Its future is not kept (nobody waits for a replayed write).
 */
final class JournalCodec {

  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper READER = new ObjectMapper();

  private JournalCodec() {
  }

  static String encode(long seq, LedgerOp op) {
    StringWriter out = new StringWriter(640);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      if (op instanceof LedgerOp.InsertRequest insert) {
        g.writeStringField("op", "row");
        g.writeNumberField("lease", insert.leaseMicros());
        row(g, insert.row());
      } else if (op instanceof LedgerOp.CreateSession create) {
        g.writeStringField("op", "create");
        g.writeStringField("session", create.sessionId());
        g.writeStringField("label", create.label());
        nullableLong(g, "cap", create.capMicros());
        g.writeStringField("at", create.at().toString());
        g.writeStringField("source", create.source());
      } else if (op instanceof LedgerOp.ReturnLease lease) {
        g.writeStringField("op", "lease");
        g.writeStringField("session", lease.sessionId());
        g.writeNumberField("micros", lease.micros());
      } else if (op instanceof LedgerOp.ChangeSession change) {
        g.writeStringField("op", "change");
        g.writeStringField("session", change.sessionId());
        LedgerOp.SessionChange c = change.change();
        if (c instanceof LedgerOp.SessionChange.SetCap cap) {
          g.writeStringField("change", "cap");
          nullableLong(g, "cap", cap.capMicros());
        } else if (c instanceof LedgerOp.SessionChange.SetLabel label) {
          g.writeStringField("change", "label");
          g.writeStringField("label", label.label());
        } else {
          g.writeStringField("change", c instanceof LedgerOp.SessionChange.Reset ? "reset" : "close");
        }
        g.writeStringField("kind", change.eventKind());
        g.writeStringField("detail", change.eventDetail());
        g.writeStringField("at", change.at().toString());
      } else if (op instanceof LedgerOp.PutSetting setting) {
        g.writeStringField("op", "setting");
        g.writeStringField("key", setting.key());
        g.writeStringField("value", setting.value());
        g.writeStringField("detail", setting.eventDetail());
        g.writeStringField("at", setting.at().toString());
      } else if (op instanceof LedgerOp.AuditEvent event) {
        g.writeStringField("op", "event");
        g.writeStringField("session", event.sessionId());
        g.writeStringField("kind", event.kind());
        g.writeStringField("detail", event.detail());
        g.writeStringField("at", event.at().toString());
      } else {
        throw new IllegalArgumentException("unknown ledger write " + op);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A journal line's sequence number and its write. */
  record Entry(long seq, LedgerOp op) {
  }

  static Entry decode(String line) throws IOException {
    JsonNode n = READER.readTree(line);
    long seq = n.get("seq").asLong();
    String op = n.get("op").asText();
    LedgerOp decoded = switch (op) {
      case "row" -> new LedgerOp.InsertRequest(row(n), n.get("lease").asLong(), new CompletableFuture<>());
      case "create" -> new LedgerOp.CreateSession(text(n, "session"), text(n, "label"), nullableLong(n, "cap"), Instant.parse(text(n, "at")),
          text(n, "source"), new CompletableFuture<>());
      case "lease" -> new LedgerOp.ReturnLease(text(n, "session"), n.get("micros").asLong(), new CompletableFuture<>());
      case "change" -> new LedgerOp.ChangeSession(text(n, "session"), switch (text(n, "change")) {
        case "cap" -> new LedgerOp.SessionChange.SetCap(nullableLong(n, "cap"));
        case "label" -> new LedgerOp.SessionChange.SetLabel(text(n, "label"));
        case "reset" -> new LedgerOp.SessionChange.Reset();
        default -> new LedgerOp.SessionChange.Close();
      }, text(n, "kind"), text(n, "detail"), Instant.parse(text(n, "at")), new CompletableFuture<>());
      case "setting" -> new LedgerOp.PutSetting(text(n, "key"), text(n, "value"), text(n, "detail"), Instant.parse(text(n, "at")),
          new CompletableFuture<>());
      case "event" -> new LedgerOp.AuditEvent(text(n, "session"), text(n, "kind"), text(n, "detail"), Instant.parse(text(n, "at")),
          new CompletableFuture<>());
      default -> throw new IOException("unknown journal entry '" + op + "'");
    };
    return new Entry(seq, decoded);
  }

  private static void row(JsonGenerator g, LedgerRow row) throws IOException {
    g.writeStringField("started_at", row.startedAt().toString());
    g.writeStringField("ended_at", row.endedAt().toString());
    g.writeStringField("day", row.day().toString());
    g.writeStringField("session", row.sessionId());
    g.writeStringField("agent_id", row.agentId());
    g.writeStringField("client", row.client());
    g.writeStringField("provider", row.provider().name());
    g.writeStringField("endpoint", row.endpoint());
    g.writeStringField("model", row.model());
    g.writeStringField("priced_as", row.pricedAs());
    g.writeBooleanField("price_fallback", row.priceFallback());
    Usage u = row.usage();
    g.writeArrayFieldStart("usage");
    for (long v : new long[] {u.inputTokens(), u.cacheWrite5mTokens(), u.cacheWrite1hTokens(), u.cacheReadTokens(), u.cachedInputTokens(),
        u.outputTokens(), u.reasoningTokens()}) {
      g.writeNumber(v);
    }
    g.writeEndArray();
    g.writeNumberField("cost_micros", row.costMicros());
    g.writeNumberField("session_total_micros", row.sessionTotalMicros());
    g.writeStringField("action", row.action().name());
    g.writeStringField("usage_source", row.usageSource().name());
    g.writeStringField("price_version", row.priceVersion());
    if (row.upstreamStatus() == null) {
      g.writeNullField("upstream_status");
    } else {
      g.writeNumberField("upstream_status", row.upstreamStatus());
    }
    g.writeStringField("request_id", row.requestId());
    Usage.Dimensions d = u.dimensions();
    if (!d.equals(Usage.Dimensions.STANDARD)) {
      g.writeObjectFieldStart("dimensions");
      JsonlLine.dimensions(g, d);
      g.writeEndObject();
    }
  }

  private static LedgerRow row(JsonNode n) {
    JsonNode u = n.get("usage");
    JsonNode d = n.get("dimensions");
    Usage.Dimensions dimensions = d == null || !d.isObject() ? Usage.Dimensions.STANDARD : new Usage.Dimensions(text(d, "speed"),
        text(d, "inference_geo"), text(d, "service_tier"), d.path("web_search_requests").asLong(), d.path("web_fetch_requests").asLong());
    Usage usage = new Usage(u.get(0).asLong(), u.get(1).asLong(), u.get(2).asLong(), u.get(3).asLong(), u.get(4).asLong(), u.get(5).asLong(),
        u.get(6).asLong(), dimensions);
    JsonNode status = n.get("upstream_status");
    return new LedgerRow(0, Instant.parse(text(n, "started_at")), Instant.parse(text(n, "ended_at")), LocalDate.parse(text(n, "day")),
        text(n, "session"), text(n, "agent_id"), text(n, "client"), Provider.valueOf(text(n, "provider").toUpperCase(Locale.ROOT)),
        text(n, "endpoint"), text(n, "model"), text(n, "priced_as"), n.get("price_fallback").asBoolean(), usage, n.get("cost_micros").asLong(),
        n.get("session_total_micros").asLong(), LedgerRow.Action.valueOf(text(n, "action")), UsageSource.valueOf(text(n, "usage_source")),
        text(n, "price_version"), status == null || status.isNull() ? null : status.asInt(), text(n, "request_id"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Long nullableLong(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }

  private static void nullableLong(JsonGenerator g, String field, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value);
    }
  }
}
