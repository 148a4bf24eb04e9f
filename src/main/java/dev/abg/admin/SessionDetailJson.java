package dev.abg.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Money;
import dev.abg.spend.SessionView;

/** {@code SessionDetail}: the {@link SessionJson} fields, the spend since the last reset by model and by agent, and lifetime totals. */
record SessionDetailJson(@JsonUnwrapped SessionJson session, List<ModelSpendJson> byModel, List<AgentSpendJson> byAgent, Instant lastResetAt,
                         BigDecimal lifetimeSpentUsd, long lifetimeRequests) {

  record ModelSpendJson(String model, long requests, BigDecimal costUsd, long inputTokens, long outputTokens) {
  }

  record AgentSpendJson(String agentId, long requests, BigDecimal costUsd) {
  }

  static SessionDetailJson of(SessionView v, LedgerQueries.SessionLedger ledger) {
    return new SessionDetailJson(SessionJson.of(v, ledger.requestsSinceReset()),
        ledger.byModel().stream().map(m -> new ModelSpendJson(m.model(), m.requests(), Money.usd(m.costMicros()), m.inputTokens(), m.outputTokens()))
            .toList(),
        ledger.byAgent().stream().map(a -> new AgentSpendJson(a.agentId(), a.requests(), Money.usd(a.costMicros()))).toList(),
        ledger.lastResetAt().map(SessionJson::millis).orElse(null), Money.usd(ledger.lifetimeSpentMicros()), ledger.lifetimeRequests());
  }
}
