package dev.abg.proxy;

import dev.abg.spend.Money;
import dev.abg.spend.Standing;
import io.vertx.core.http.HttpServerResponse;

/** The {@code x-abg-*} headers on every proxied response: where the session stands when the request was admitted. */
final class AbgHeaders {

  private AbgHeaders() {
  }

  static void put(HttpServerResponse response, Standing standing) {
    response.putHeader("x-abg-session", standing.sessionId());
    response.putHeader("x-abg-session-spent-usd", Money.plain(standing.spentMicros()));
    response.putHeader("x-abg-session-remaining-usd", Money.plain(standing.remainingMicros()));
    if (standing.warning() != null) {
      response.putHeader("x-abg-budget-warning", standing.warning());
    }
  }
}
