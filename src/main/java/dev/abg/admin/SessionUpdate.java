package dev.abg.admin;

import java.math.BigDecimal;
import java.util.List;

import dev.abg.spend.Money;

/**
 * {@code SessionUpdate}: the body of {@code PATCH /abg/sessions/{id}}; at least one field, and not both {@code cap_usd}
 * and {@code raise_usd}.
 *
 * @param capMicros   set the cap to this; null: leave it
 * @param raiseMicros add this to the cap; null: leave it
 * @param labelGiven  whether {@code label} was in the body
 * @param label       the new label; null clears it ({@code ""} too)
 */
record SessionUpdate(Long capMicros, Long raiseMicros, boolean labelGiven, String label) {

  static final List<String> FIELDS = List.of("cap_usd", "raise_usd", "label");

  static SessionUpdate from(byte[] body) {
    JsonBody json = JsonBody.parse(body, FIELDS);
    if (json.size() == 0) {
      json.errors().add("body", "give at least one of cap_usd (set the cap), raise_usd (add to the cap) or label");
    }
    BigDecimal cap = json.money("cap_usd", false);
    BigDecimal raise = json.money("raise_usd", true);
    if (json.has("cap_usd") && json.has("raise_usd")) {
      json.errors().add("raise_usd", "cannot be given together with cap_usd: either set the cap (cap_usd) or add to it (raise_usd)");
    }
    String label = json.text("label", true, SessionCreate.MAX_LABEL);
    json.validated();
    return new SessionUpdate(cap == null ? null : Money.micros(cap), raise == null ? null : Money.micros(raise), json.has("label"),
        label == null || label.isEmpty() ? null : label);
  }

  boolean changesCap() {
    return capMicros != null || raiseMicros != null;
  }
}
