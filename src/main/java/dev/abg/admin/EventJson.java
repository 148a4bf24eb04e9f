package dev.abg.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Money;

/**
 * {@code Event}: one audited change. The ledger stores amounts in micro-dollars ({@code cap_micros}); the API shows them
 * in US dollars under the contract's names ({@code new_cap_usd}), and tells who made the change ({@code source}).
 */
record EventJson(long id, Instant ts, String sessionId, String kind, String source, JsonNode detail) {

  static final List<String> KINDS = List.of("session_created", "cap_set", "raised", "reset", "label_set", "closed", "budgets_changed");
  private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  /** Stored name → contract name, per kind, after {@code *_micros} became {@code *_usd}. */
  private static final Map<String, Map<String, String>> RENAMED = Map.of(
      "cap_set", Map.of("cap_usd", "new_cap_usd"),
      "raised", Map.of("cap_usd", "new_cap_usd"),
      "label_set", Map.of("label", "new_label"));

  static EventJson of(LedgerQueries.StoredEvent e) {
    ObjectNode stored = parse(e.detail());
    String source = stored.path("source").isTextual() ? stored.get("source").textValue() : defaultSource(e.kind());
    ObjectNode detail = JSON.createObjectNode();
    Map<String, String> renamed = RENAMED.getOrDefault(e.kind(), Map.of());
    for (Iterator<Map.Entry<String, JsonNode>> fields = stored.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals("source")) {
        continue;
      }
      if (name.endsWith("_micros")) {
        name = name.substring(0, name.length() - "_micros".length()) + "_usd";
        value = value.canConvertToLong() ? JSON.getNodeFactory().numberNode(Money.usd(value.longValue())) : JSON.getNodeFactory().nullNode();
      }
      detail.set(renamed.getOrDefault(name, name), plain(value));
    }
    if (e.kind().equals("session_created")) {
      detail.put("cap_is_default", !detail.path("cap_usd").isNumber());
    }
    return new EventJson(e.id(), SessionJson.millis(e.ts()), e.sessionId(), e.kind(), source, detail);
  }

  /** Events written before they carried their source: a first-sight session is the proxy's, budgets the config file's, the rest the API's. */
  private static String defaultSource(String kind) {
    return switch (kind) {
      case "session_created" -> "proxy";
      case "budgets_changed" -> "config";
      default -> "api";
    };
  }

  /** Amounts as the rest of the API shows them: {@code 5}, not {@code 5.00}; nested objects ({@code old}, {@code new}) alike. */
  private static JsonNode plain(JsonNode value) {
    if (value.isBigDecimal() || value.isDouble() || value.isFloat()) {
      return JSON.getNodeFactory().numberNode(BudgetsJson.plain(value.decimalValue()));
    }
    if (value instanceof ObjectNode object) {
      ObjectNode copy = JSON.createObjectNode();
      object.fields().forEachRemaining(f -> copy.set(f.getKey(), plain(f.getValue())));
      return copy;
    }
    return value;
  }

  private static ObjectNode parse(String detail) {
    try {
      JsonNode node = JSON.readTree(detail);
      return node instanceof ObjectNode object ? object : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
