package dev.abg.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.abg.config.AbgConfig;
import dev.abg.spend.DayView;
import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.SpendService;

/** {@code GET /abg/status}: the seed's shape ({@code sessions: {id: spent}}, {@code today_total_usd}) plus caps, states and warnings. */
@Path("/abg/status")
@Produces(MediaType.APPLICATION_JSON)
class StatusResource {

  private final SpendService spend;
  private final LedgerQueries ledger;
  private final AbgConfig config;

  StatusResource(SpendService spend, LedgerQueries ledger, AbgConfig config) {
    this.spend = spend;
    this.ledger = ledger;
    this.config = config;
  }

  @GET
  public StatusJson status() {
    DayView today = spend.today();
    java.time.Instant dayStart = today.day().atStartOfDay(config.timezone()).toInstant();
    return StatusJson.of(spend.budgets(), config.enforcement().mode(), today, config.timezone(), spend.sessionsSeenSince(dayStart), spend.prices(),
        fallbacks(today), StatusJson.LedgerJson.of(spend.ledgerHealth()));
  }

  /** Today's unknown models; none when the ledger cannot be read (the status must still say what is wrong with it). */
  private java.util.List<LedgerQueries.ModelFallback> fallbacks(DayView today) {
    try {
      return ledger.fallbacksOn(today.day());
    } catch (IllegalStateException e) {
      return java.util.List.of();
    }
  }
}
