package dev.abg.admin;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.abg.spend.ledger.LedgerFailures;
import dev.abg.text.Printable;
import io.quarkus.logging.Log;

/**
 * Every failure no other mapper answers, still as {@code application/problem+json}: 503
 * {@code urn:abg:problem:ledger-unavailable} (with {@code Retry-After}) while the ledger's database cannot answer — team
 * mode's PostgreSQL down or out of reach — else 500 {@code urn:abg:problem:internal}; a JAX-RS failure keeps its own
 * status. Never a plain-text page.
 */
@Provider
class ServerErrorMapper implements ExceptionMapper<Exception> {

  static final String RETRY_AFTER_SECONDS = "5";

  private final UriInfo uri;

  ServerErrorMapper(UriInfo uri) {
    this.uri = uri;
  }

  @Override
  public Response toResponse(Exception e) {
    String path = uri.getRequestUri().getRawPath();
    if (e instanceof WebApplicationException web) {
      int status = web.getResponse().getStatus();
      Response.StatusType type = web.getResponse().getStatusInfo();
      return new Problem("http-" + status, type.getReasonPhrase(), status, type.getReasonPhrase() + ".", path).response().build();
    }
    if (LedgerFailures.unavailable(e)) {
      Log.warnf("[abg] ADMIN %s: the ledger's database did not answer: %s", Printable.escape(path), e.getMessage());
      return new Problem("ledger-unavailable", "Ledger unavailable", 503, "The ledger's database does not answer now (in team mode: PostgreSQL is "
          + "down or out of reach). Try again once it is back.", path).response().header("Retry-After", RETRY_AFTER_SECONDS).build();
    }
    Log.errorf(e, "[abg] ADMIN %s failed", Printable.escape(path));
    return new Problem("internal", "Internal error", 500, "abg could not answer this request; its log says why.", path).response().build();
  }
}
