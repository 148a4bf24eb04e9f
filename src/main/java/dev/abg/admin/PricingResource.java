package dev.abg.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Prices;
import dev.abg.spend.Provider;

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
    return PricingJson.of(prices.table(), ledger.fallbacks(), prices.sources());
  }

  /** {@code GET /abg/pricing/check?model=…[&provider=anthropic|openai]}: how a model would be priced now, and why. */
  @GET
  @Path("check")
  public PricingJson.CheckJson check(@QueryParam("model") String model, @QueryParam("provider") String provider) {
    if (model == null || model.isBlank()) {
      throw new InvalidRequest("model", "is required: the model name to look up, e.g. claude-opus-5-5");
    }
    if (model.length() > 200) {
      throw new InvalidRequest("model", "is longer than 200 characters");
    }
    Provider p;
    if (provider == null || provider.isBlank()) {
      p = model.trim().toLowerCase(java.util.Locale.ROOT).startsWith("claude") ? Provider.ANTHROPIC : Provider.OPENAI;
    } else if (provider.equals("anthropic") || provider.equals("openai")) {
      p = provider.equals("anthropic") ? Provider.ANTHROPIC : Provider.OPENAI;
    } else {
      throw new InvalidRequest("provider", "must be anthropic or openai; got " + FieldErrors.shown(provider));
    }
    return PricingJson.check(prices.table(), p, model);
  }
}
