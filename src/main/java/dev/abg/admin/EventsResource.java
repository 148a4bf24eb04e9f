package dev.abg.admin;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.abg.config.AbgConfig;
import dev.abg.spend.ledger.LedgerQueries;

/** {@code GET /abg/events}: the audit trail, newest first by default, filtered and cursor-paginated. */
@Path("/abg/events")
@Produces(MediaType.APPLICATION_JSON)
class EventsResource {

  private final LedgerQueries ledger;
  private final AdminSessions sessions;
  private final AbgConfig config;

  EventsResource(LedgerQueries ledger, AdminSessions sessions, AbgConfig config) {
    this.ledger = ledger;
    this.sessions = sessions;
    this.config = config;
  }

  @GET
  public PageJson<EventJson> list(@QueryParam("session") String session, @QueryParam("kind") String kind, @QueryParam("since") String since,
                                  @QueryParam("until") String until, @QueryParam("order") String order, @QueryParam("limit") String limit,
                                  @QueryParam("cursor") String cursor) {
    QueryParams q = new QueryParams(config.timezone());
    String sessionId = q.session(session);
    String kindFilter = q.oneOf("kind", kind, EventJson.KINDS, null);
    Instant from = q.since(since);
    Instant to = q.until(until);
    q.ordered(from, to);
    boolean newestFirst = q.newestFirst(order);
    int pageSize = q.limit(limit);
    String fingerprint = Cursor.fingerprint("events", session, kind, since, until, String.valueOf(newestFirst));
    Cursor after = Cursor.decode(q.cursor(cursor), fingerprint, q.errors());
    Long afterId = after == null ? null : after.idAsLong(q.errors());
    q.validated();
    if (sessionId != null) {
      sessions.existing(sessionId);
    }
    List<LedgerQueries.StoredEvent> events = ledger.events(new LedgerQueries.EventFilter(sessionId, kindFilter, from, to),
        new LedgerQueries.Page(afterId, newestFirst, pageSize + 1));
    List<EventJson> items = events.stream().limit(pageSize).map(EventJson::of).toList();
    String next = events.size() > pageSize ? new Cursor("", Long.toString(items.get(items.size() - 1).id())).encode(fingerprint) : null;
    return new PageJson<>(items, next);
  }
}
