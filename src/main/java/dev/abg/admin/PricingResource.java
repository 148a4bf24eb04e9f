package dev.abg.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Prices;

/** {@code GET /abg/pricing}: the active price table, its version, and the unknown models seen in the ledger. */
@Path("/abg/pricing")
@Produces(MediaType.APPLICATION_JSON)
class PricingResource {

  private final Prices prices;
  private final LedgerQueries ledger;

  PricingResource(Prices prices, LedgerQueries ledger) {
    this.prices = prices;
    this.ledger = ledger;
  }

  @GET
  public PricingJson get() {
    return PricingJson.of(prices.table(), ledger.fallbacks());
  }
}
