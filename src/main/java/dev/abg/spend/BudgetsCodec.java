package dev.abg.spend;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.abg.config.BudgetSettings;

/**
 * Budget defaults as stored in the {@code settings} table: the values set through the admin API together with the
 * config file's values they replaced. At start the stored values win only while the file still says what it said then:
 * the latest change wins, whether it was an API call or an edit of the file.
 */
final class BudgetsCodec {

  static final String KEY = "budgets";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BudgetsCodec() {
  }

  static String encode(BudgetSettings set, BudgetSettings basis) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("values", node(set));
    root.set("config_basis", node(basis));
    return root.toString();
  }

  private static ObjectNode node(BudgetSettings b) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("session_budget_usd", b.sessionBudgetUsd());
    if (b.dailyBudgetUsd().isPresent()) {
      n.put("daily_budget_usd", b.dailyBudgetUsd().get());
    } else {
      n.putNull("daily_budget_usd");
    }
    n.put("warn_at", b.warnAt());
    n.put("block_on_limit", b.blockOnLimit());
    return n;
  }

  /** The four values alone, for an audit event. */
  static String values(BudgetSettings b) {
    return node(b).toString();
  }

  /** The stored values, when the config file's budgets are still those they replaced. */
  static Optional<BudgetSettings> effective(String stored, BudgetSettings fromConfig) {
    try {
      JsonNode root = MAPPER.readTree(stored);
      BudgetSettings basis = decode(root.get("config_basis"));
      return same(basis, fromConfig) ? Optional.of(decode(root.get("values"))) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static boolean same(BudgetSettings a, BudgetSettings b) {
    return a.sessionBudgetUsd().compareTo(b.sessionBudgetUsd()) == 0 && a.warnAt().compareTo(b.warnAt()) == 0 && a.blockOnLimit() == b.blockOnLimit()
        && a.dailyBudgetUsd().map(d -> b.dailyBudgetUsd().map(e -> d.compareTo(e) == 0).orElse(false)).orElse(b.dailyBudgetUsd().isEmpty());
  }

  private static BudgetSettings decode(JsonNode n) {
    JsonNode daily = n.get("daily_budget_usd");
    return new BudgetSettings(new BigDecimal(n.get("session_budget_usd").asText()),
        daily == null || daily.isNull() ? Optional.empty() : Optional.of(new BigDecimal(daily.asText())),
        new BigDecimal(n.get("warn_at").asText()), n.get("block_on_limit").asBoolean());
  }
}
