package dev.abg.admin;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.abg.spend.SessionView;
import dev.abg.spend.SessionState;

/**
 * The filters, sort and page of {@code GET /abg/sessions}. A page is cut from the sorted, filtered candidates — the
 * sessions in memory and the ledger's after the cursor ({@code AdminSessions}); the cursor is the sort key and id of the
 * last item, and the next page starts after it.
 *
 * @param state  only sessions in this state; null: all
 * @param closed only closed (true) or open (false) sessions; null: both
 * @param sort   {@code spend} or {@code last_seen}
 */
record SessionQuery(String state, Boolean closed, String sort, boolean newestFirst, int limit, Cursor after, String fingerprint) {

  static SessionQuery from(String state, String closed, String sort, String order, String limit, String cursor, ZoneId zone) {
    QueryParams q = new QueryParams(zone);
    String stateFilter = q.oneOf("state", state, java.util.Arrays.stream(SessionState.values()).map(SessionState::wireName).toList(), null);
    Boolean closedFilter = q.bool("closed", closed);
    String sortBy = q.oneOf("sort", sort, List.of("spend", "last_seen"), "last_seen");
    boolean newestFirst = q.newestFirst(order);
    int pageSize = q.limit(limit);
    String fingerprint = Cursor.fingerprint("sessions", String.valueOf(stateFilter), String.valueOf(closedFilter), sortBy, String.valueOf(newestFirst));
    Cursor after = Cursor.decode(q.cursor(cursor), fingerprint, q.errors());
    if (after != null) {
      try {
        Long.parseLong(after.key());
      } catch (NumberFormatException e) {
        q.errors().add("cursor", "cannot be read; pass the next_cursor of the previous page unchanged");
      }
    }
    q.validated();
    return new SessionQuery(stateFilter, closedFilter, sortBy, newestFirst, pageSize, after, fingerprint);
  }

  /** The page of {@code all} this query asks for, and the cursor of the next page (null on the last). */
  Cut cut(List<SessionView> all) {
    Comparator<Position> byKey = Comparator.comparingLong(Position::key);
    Comparator<Position> order = (newestFirst ? byKey.reversed() : byKey).thenComparing(Position::id);
    Position start = after == null ? null : new Position(Long.parseLong(after.key()), after.id());
    List<SessionView> matching = new ArrayList<>();
    for (SessionView s : all) {
      if (matches(s) && (start == null || order.compare(position(s), start) > 0)) {
        matching.add(s);
      }
    }
    matching.sort((a, b) -> order.compare(position(a), position(b)));
    List<SessionView> page = matching.subList(0, Math.min(limit, matching.size()));
    String next = null;
    if (matching.size() > limit) {
      Position last = position(page.get(page.size() - 1));
      next = new Cursor(Long.toString(last.key()), last.id()).encode(fingerprint);
    }
    return new Cut(List.copyOf(page), next);
  }

  record Cut(List<SessionView> items, String nextCursor) {
  }

  boolean bySpend() {
    return sort.equals("spend");
  }

  /** Whether a session passes the filters (state, closed). */
  boolean matches(SessionView s) {
    return (state == null || state.equals(s.state().wireName())) && (closed == null || closed == s.closed());
  }

  /** The cursor's position as the ledger's sort column has it (spend in micros, or the last-seen time); null: none. */
  String ledgerKey() {
    if (after == null) {
      return null;
    }
    long key = Long.parseLong(after.key());
    return bySpend() ? Long.toString(key) : Instant.ofEpochSecond(Math.floorDiv(key, 1_000_000_000L), Math.floorMod(key, 1_000_000_000L)).toString();
  }

  private Position position(SessionView s) {
    return new Position(sort.equals("spend") ? s.spentMicros() : nanos(s.lastSeen()), s.id());
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private record Position(long key, String id) {
  }
}
