package dev.abg.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.abg.spend.Money;
import dev.abg.spend.SessionProblem;
import dev.abg.spend.SpendService;

/**
 * A session that cannot be found (404 {@code session-not-found}), that exists already (409 {@code session-exists}) or
 * that is closed (409 {@code session-closed}).
 */
@Provider
class SessionProblemMapper implements ExceptionMapper<SessionProblem> {

  private final UriInfo uri;
  private final SpendService spend;

  SessionProblemMapper(UriInfo uri, SpendService spend) {
    this.uri = uri;
    this.spend = spend;
  }

  @Override
  public Response toResponse(SessionProblem e) {
    String id = e.sessionId();
    Problem problem = switch (e.kind()) {
      case NOT_FOUND -> new Problem("session-not-found", "Session not found", 404,
          "No session '" + id + "'. List sessions with GET /abg/sessions, or create it with POST /abg/sessions.", uri.getRequestUri().getRawPath());
      case EXISTS -> new Problem("session-exists", "Session exists", 409, "Session '" + id + "' exists already" + standing(id)
          + ". Change it with PATCH /abg/sessions/" + id + ", or pick another id.", uri.getRequestUri().getRawPath());
      case CLOSED -> new Problem("session-closed", "Session closed", 409, "Session '" + id + "' is closed; a closed session cannot be raised, "
          + "capped or reset, only relabelled. Start the agent with a new session id.", uri.getRequestUri().getRawPath());
    };
    return problem.response().build();
  }

  private String standing(String id) {
    return spend.session(id)
        .map(s -> " (" + (s.closed() ? "closed, " : "") + "cap " + Money.format(s.capMicros(), 2) + ", spent " + Money.format(s.spentMicros(), 2) + ")")
        .orElse("");
  }
}
