package dev.abg.admin;

import java.math.BigDecimal;
import java.util.List;

import dev.abg.spend.Money;

/**
 * {@code SessionCreate}: the body of {@code POST /abg/sessions}.
 *
 * @param id        null: the proxy generates one
 * @param label     null when none ({@code ""} is none too)
 * @param capMicros null: the session follows the default {@code session_budget_usd}
 */
record SessionCreate(String id, String label, Long capMicros) {

  static final List<String> FIELDS = List.of("id", "label", "cap_usd");
  static final int MAX_LABEL = 200;

  static SessionCreate from(byte[] body) {
    JsonBody json = JsonBody.parse(body, FIELDS);
    String id = json.text("id", false, Integer.MAX_VALUE);
    if (id != null && !SessionIds.isValid(id)) {
      json.errors().add("id", SessionIds.invalid(id));
    }
    String label = json.text("label", true, MAX_LABEL);
    BigDecimal cap = json.money("cap_usd", false);
    json.validated();
    return new SessionCreate(id, label == null || label.isEmpty() ? null : label, cap == null ? null : Money.micros(cap));
  }
}
