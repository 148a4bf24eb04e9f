package dev.abg.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.abg.spend.SpendService;

/** {@code /abg/budgets}: the budget defaults, read and replaced at runtime (kept across restarts by the ledger). */
@Path("/abg/budgets")
@Produces(MediaType.APPLICATION_JSON)
class BudgetsResource {

  private final SpendService spend;

  BudgetsResource(SpendService spend) {
    this.spend = spend;
  }

  @GET
  public BudgetsJson get() {
    return BudgetsJson.of(spend.budgets(), spend.budgetsFromApi());
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public BudgetsJson replace(byte[] body) {
    spend.putBudgets(BudgetsUpdate.from(body).settings());
    return BudgetsJson.of(spend.budgets(), spend.budgetsFromApi());
  }
}
