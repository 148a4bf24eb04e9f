package dev.abg.admin;

import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.abg.spend.ledger.LedgerQueries;
import dev.abg.spend.Money;
import dev.abg.spend.SessionChanges;
import dev.abg.spend.SessionProblem;
import dev.abg.spend.SessionView;
import dev.abg.spend.SpendService;

/**
 * The sessions of the admin API: {@link SessionChanges}, checked against the contract first, and {@link SpendService}'s snapshots
 * completed with the ledger's counts. Blocking: called from worker threads.
 */
@Singleton
class AdminSessions {

  private static final int ID_ATTEMPTS = 5;

  private final SpendService spend;
  private final SessionChanges changes;
  private final LedgerQueries ledger;

  AdminSessions(SpendService spend, SessionChanges changes, LedgerQueries ledger) {
    this.spend = spend;
    this.changes = changes;
    this.ledger = ledger;
  }

  SessionJson create(SessionCreate request) {
    if (request.id() != null) {
      return SessionJson.of(changes.create(request.id(), request.label(), request.capMicros()), 0);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return SessionJson.of(changes.create(SessionIds.generate(), request.label(), request.capMicros()), 0);
      } catch (SessionProblem e) {
        if (e.kind() != SessionProblem.Kind.EXISTS || attempt == ID_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Sessions read from the ledger per round while a page is filled. */
  private static final int LEDGER_CHUNK = 500;

  PageJson<SessionJson> list(SessionQuery query) {
    SessionQuery.Cut cut = query.cut(candidates(query));
    Map<String, Long> requests = ledger.requestsSinceReset(cut.items().stream().map(SessionView::id).toList());
    List<SessionJson> items = cut.items().stream().map(s -> SessionJson.of(s, requests.getOrDefault(s.id(), 0L))).toList();
    return new PageJson<>(items, cut.nextCursor());
  }

  /**
   * The sessions a page can come from: those in memory, and the ledger's after the cursor in the page's order, read in
   * chunks until there are enough that match (sessions idle for a while are only in the ledger).
   */
  private List<SessionView> candidates(SessionQuery query) {
    List<SessionView> all = new java.util.ArrayList<>(spend.sessions());
    java.util.Set<String> ids = new java.util.HashSet<>();
    all.forEach(v -> ids.add(v.id()));
    String key = query.ledgerKey();
    String after = query.after() == null ? null : query.after().id();
    int matched = 0;
    while (true) {
      List<SessionView> chunk = spend.sessionsInOrder(query.bySpend(), query.newestFirst(), query.closed(), key, after, LEDGER_CHUNK);
      for (SessionView v : chunk) {
        if (ids.add(v.id())) {
          all.add(v);
          if (query.matches(v)) {
            matched++;
          }
        }
      }
      if (chunk.size() < LEDGER_CHUNK || matched > query.limit()) {
        return all;
      }
      SessionView last = chunk.get(chunk.size() - 1);
      key = query.bySpend() ? Long.toString(last.spentMicros()) : last.lastSeen().toString();
      after = last.id();
    }
  }

  SessionDetailJson detail(String id) {
    SessionView view = existing(id);
    return SessionDetailJson.of(view, ledger.session(id));
  }

  /** Applies a PATCH: the cap (set or raised) first, then the label; one audited event per field. */
  SessionJson update(String id, SessionUpdate change) {
    SessionView view = existing(id);
    if (change.changesCap() && view.closed()) {
      throw new SessionProblem(SessionProblem.Kind.CLOSED, id, "session '" + id + "' is closed");
    }
    if (change.raiseMicros() != null && view.capMicros() + change.raiseMicros() > Money.MAX_MICROS) {
      throw new InvalidRequest("raise_usd", "would make the cap " + Money.format(view.capMicros() + change.raiseMicros(), 2)
          + ", above the largest cap of $1000000.00; the cap is now " + Money.format(view.capMicros(), 2));
    }
    if (change.capMicros() != null) {
      view = changes.setCap(id, change.capMicros());
    } else if (change.raiseMicros() != null) {
      view = changes.raise(id, change.raiseMicros());
    }
    if (change.labelGiven()) {
      view = changes.setLabel(id, change.label());
    }
    return json(view);
  }

  SessionJson reset(String id) {
    existing(id);
    return json(changes.reset(id));
  }

  SessionJson close(String id) {
    existing(id);
    return json(changes.close(id));
  }

  /** The session, or 404. */
  SessionView existing(String id) {
    return spend.session(id).orElseThrow(() -> new SessionProblem(SessionProblem.Kind.NOT_FOUND, id, "no session '" + id + "'"));
  }

  private SessionJson json(SessionView view) {
    return SessionJson.of(view, ledger.requestsSinceReset(List.of(view.id())).getOrDefault(view.id(), 0L));
  }
}
