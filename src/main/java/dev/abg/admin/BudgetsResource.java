package dev.abg.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.abg.spend.SessionChanges;
import dev.abg.spend.SpendService;

/** {@code /abg/budgets}: the budget defaults, read and replaced at runtime (kept across restarts by the ledger). */
@Path("/abg/budgets")
@Produces(MediaType.APPLICATION_JSON)
class BudgetsResource {

  private final SpendService spend;
  private final SessionChanges changes;

  BudgetsResource(SpendService spend, SessionChanges changes) {
    this.spend = spend;
    this.changes = changes;
  }

  @GET
  public BudgetsJson get() {
    return BudgetsJson.of(spend.budgets(), changes.budgetsFromApi());
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public BudgetsJson replace(byte[] body) {
    changes.putBudgets(BudgetsUpdate.from(body).settings());
    return BudgetsJson.of(spend.budgets(), changes.budgetsFromApi());
  }
}
