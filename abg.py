"""The python3 half of the abg script: the admin API's JSON as tables and lines, problem details, request bodies.

abg runs it by path as `python3 abg.py COMMAND ARGS...` (standard library only: nothing to install). Commands:

  status FILE                    GET /abg/status as text
  sessions FILE                  a page (or merged pages) of GET /abg/sessions as a table
  session_line FILE VERB         one session in one line ("raised s1: $0.05 of $1.04 spent (4%), $1.00 left, active")
  problem FILE STATUS WHAT       the detail of a problem document (RFC 9457), else "abg: WHAT answered HTTP STATUS"
  field FILE NAME                a top-level field of a JSON object (empty when null or absent)
  merge_pages OUT FILE...        the items of several pages of sessions as one list, written to OUT
  new_session_body ID CAP LABEL  the body of POST /abg/sessions
  urlencode TEXT                 TEXT percent-encoded for a query parameter
"""

import json
import sys
import urllib.parse
from datetime import datetime
from decimal import Decimal, ROUND_HALF_UP

def load(path):
    # money as Decimal, so that $0.045 shows as $0.05 (half-up, like the proxy's own messages), not as float's $0.04
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)

def usd(v):
    return "-" if v is None else "$" + str(Decimal(v).quantize(Decimal("0.01"), ROUND_HALF_UP))

def pct(spent, cap):
    if not cap:
        return "-"
    return "%d%%" % (Decimal(spent) * 100 / Decimal(cap)).quantize(Decimal(1), ROUND_HALF_UP)

def when(ts):
    if not ts:
        return "-"
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts

def table(headers, rows, right=()):
    widths = [len(h) for h in headers]
    for r in rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    def line(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(c.rjust(widths[i]) if i in right else c.ljust(widths[i]))
        return "  ".join(out).rstrip()
    print(line(headers))
    for r in rows:
        print(line(r))

def problem(path, status, what):
    try:
        p = load(path)
    except Exception:
        p = None
    if isinstance(p, dict) and p.get("detail"):
        print("abg: " + p["detail"])
        for e in p.get("errors") or []:
            print("  %s: %s" % (e.get("field"), e.get("message")))
    else:
        print("abg: %s answered HTTP %s" % (what, status))

def status(path):
    s = load(path)
    cap = s.get("daily_cap_usd")
    total = s.get("today_total_usd") or 0
    day = s.get("date") or s.get("day") or ""
    line = "today %s: %s" % (day, usd(total))
    if cap is not None:
        line += " of %s daily cap (%s), %s left" % (usd(cap), pct(total, cap), usd(s.get("today_remaining_usd")))
    if s.get("daily_state"):
        line += " - " + s["daily_state"]
    print(line)
    mode = "warn-only" if s.get("block_on_limit") is False else "blocking"
    print("session cap %s, warn at %s%%, %s%s, prices %s" % (usd(s.get("session_budget_usd")), pct(s.get("warn_at") or 0, 1)[:-1], mode,
          ", enforcement " + s["enforcement"] if s.get("enforcement") else "", s.get("price_version", "-")))
    budgets = s.get("session_budgets") or s.get("details") or {}
    print()
    if budgets:
        rows = []
        for sid, b in budgets.items():
            rows.append([sid, b.get("state", "-"), usd(b.get("spent_usd")), usd(b.get("cap_usd")), pct(b.get("spent_usd") or 0, b.get("cap_usd")),
                         usd(b.get("remaining_usd"))])
        table(["SESSION", "STATE", "SPENT", "CAP", "USED", "REMAINING"], rows, right=(2, 3, 4, 5))
    else:
        print("no sessions today")
    warnings = s.get("warnings") or []
    if warnings:
        print()
        for w in warnings:
            print("! " + (w.get("message", "") if isinstance(w, dict) else str(w)))

def sessions(path):
    items = load(path).get("items", [])
    if not items:
        print("no sessions")
        return
    rows = []
    for s in items:
        state = s.get("state", "-") + (" (closed)" if s.get("closed") else "")
        rows.append([s.get("id", ""), state, usd(s.get("spent_usd")), usd(s.get("cap_usd")), pct(s.get("spent_usd") or 0, s.get("cap_usd")),
                     usd(s.get("remaining_usd")), str(s.get("requests", 0)), when(s.get("last_seen")), s.get("label") or ""])
    table(["SESSION", "STATE", "SPENT", "CAP", "USED", "REMAINING", "REQUESTS", "LAST SEEN", "LABEL"], rows, right=(2, 3, 4, 5, 6))

def merge_pages(out, *paths):
    items = []
    for p in paths:
        items.extend(load(p).get("items", []))
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"items": items, "next_cursor": None}, f)

def field(path, name):
    v = load(path).get(name)
    print("" if v is None else v)

def session_line(path, verb):
    s = load(path)
    line = "%s %s: %s of %s spent (%s), %s left, %s" % (verb, s["id"], usd(s.get("spent_usd")), usd(s.get("cap_usd")),
            pct(s.get("spent_usd") or 0, s.get("cap_usd")), usd(s.get("remaining_usd")), s.get("state"))
    if s.get("closed"):
        line += ", closed"
    print(line)

def new_session_body(sid, cap, label):
    body = {"id": sid}
    if label:
        body["label"] = label
    text = json.dumps(body)
    # the cap as typed (already checked to be a plain decimal number), so that no float rounding touches it
    print(text[:-1] + ', "cap_usd": ' + cap + "}" if cap else text)

def urlencode(text):
    print(urllib.parse.quote(text, safe=""))

COMMANDS = {"problem": problem, "status": status, "sessions": sessions, "merge_pages": merge_pages, "field": field, "session_line": session_line,
            "new_session_body": new_session_body, "urlencode": urlencode}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
