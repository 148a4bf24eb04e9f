package dev.abg.admin;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.quarkus.logging.Log;

import dev.abg.config.AbgConfig;
import dev.abg.spend.Prices;
import dev.abg.spend.ledger.JsonlLine;
import dev.abg.spend.price.PriceTable;
import dev.abg.spend.price.Priced;
import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.ledger.LedgerRow;

/** {@code GET /abg/requests} (pages of ledger rows) and {@code GET /abg/export} (the ledger streamed as JSON lines). */
@Path("/abg")
class LedgerResource {

  static final String NDJSON = "application/x-ndjson";
  private static final int EXPORT_BUFFER_BYTES = 32 * 1024;

  private final LedgerQueries ledger;
  private final AdminSessions sessions;
  private final AbgConfig config;
  private final Prices prices;

  LedgerResource(LedgerQueries ledger, AdminSessions sessions, AbgConfig config, Prices prices) {
    this.ledger = ledger;
    this.sessions = sessions;
    this.config = config;
    this.prices = prices;
  }

  @GET
  @Path("requests")
  @Produces(MediaType.APPLICATION_JSON)
  public PageJson<LedgerRowJson> requests(@QueryParam("session") String session, @QueryParam("since") String since, @QueryParam("until") String until,
                                          @QueryParam("order") String order, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    QueryParams q = new QueryParams(config.timezone());
    LedgerQueries.RowFilter filter = filter(q, session, since, until);
    boolean newestFirst = q.newestFirst(order);
    int pageSize = q.limit(limit);
    String fingerprint = Cursor.fingerprint("requests", session, since, until, String.valueOf(newestFirst));
    Cursor after = Cursor.decode(q.cursor(cursor), fingerprint, q.errors());
    Long afterId = after == null ? null : after.idAsLong(q.errors());
    q.validated();
    checkSession(filter);
    List<LedgerRow> rows = ledger.requests(filter, new LedgerQueries.Page(afterId, newestFirst, pageSize + 1));
    List<LedgerRowJson> items = rows.stream().limit(pageSize).map(LedgerRowJson::of).toList();
    String next = rows.size() > pageSize ? new Cursor("", Long.toString(items.get(items.size() - 1).id())).encode(fingerprint) : null;
    return new PageJson<>(items, next);
  }

  /**
   * Streams every matching row, oldest first, one JSONL line each, straight from a database cursor to the connection:
   * the writes block this worker thread while the client is slower than the database, so memory stays flat whatever
   * the number of rows. Bad filters and unknown sessions are answered before the first line.
   */
  @GET
  @Path("export")
  public Response export(@QueryParam("session") String session, @QueryParam("since") String since, @QueryParam("until") String until,
                         @QueryParam("reprice") String reprice) {
    QueryParams q = new QueryParams(config.timezone());
    LedgerQueries.RowFilter filter = filter(q, session, since, until);
    boolean repriced = "true".equals(q.oneOf("reprice", reprice, List.of("true", "false"), "false"));
    q.validated();
    PriceTable table = prices.table();
    checkSession(filter);
    StreamingOutput lines = output -> {
      OutputStream out = new BufferedOutputStream(output, EXPORT_BUFFER_BYTES);
      long rows = ledger.export(filter, row -> {
        out.write((repriced ? JsonlLine.of(row, repriceOf(table, row)) : JsonlLine.of(row)).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      });
      out.flush();
      Log.debugf("[abg] EXPORT %d rows session=%s since=%s until=%s", rows, filter.sessionId(), filter.since(), filter.until());
    };
    return Response.ok(lines, NDJSON).header("Content-Disposition", "attachment; filename=\"abg-ledger.jsonl\"").build();
  }

  /** What the row costs under {@code table}, from its stored token counts and dimensions; a block row costs nothing. */
  private static JsonlLine.Repriced repriceOf(PriceTable table, LedgerRow row) {
    if (row.action() == LedgerRow.Action.BLOCK) {
      return new JsonlLine.Repriced(0, null, table.version());
    }
    Priced priced = table.price(row.provider(), row.model(), row.usage(), row.endedAt());
    return new JsonlLine.Repriced(priced.costMicros(), priced.pricedAs(), priced.priceVersion());
  }

  private static LedgerQueries.RowFilter filter(QueryParams q, String session, String since, String until) {
    String sessionId = q.session(session);
    Instant from = q.since(since);
    Instant to = q.until(until);
    q.ordered(from, to);
    return new LedgerQueries.RowFilter(sessionId, from, to);
  }

  private void checkSession(LedgerQueries.RowFilter filter) {
    if (filter.sessionId() != null) {
      sessions.existing(filter.sessionId());
    }
  }
}
