"""The python3 half of the abg script: the config file, the admin API's JSON as tables and lines, problem details.

abg runs it by path as `python3 abg.py COMMAND ARGS...` (standard library only: nothing to install). Commands:

  config FILE KEY...             each KEY's top-level value in the YAML config file, one a line (empty when not set)
  status FILE                    GET /abg/status as text
  sessions FILE                  a page (or merged pages) of GET /abg/sessions as a table
  session_line FILE VERB         one session in one line ("raised s1: $0.05 of $1.04 spent (4%), $1.00 left, active")
  problem FILE STATUS WHAT       the detail of a problem document (RFC 9457), else "abg: WHAT answered HTTP STATUS"
  field FILE NAME                a top-level field of a JSON object (empty when null or absent)
  merge_pages OUT FILE...        the items of several pages of sessions as one list, written to OUT
  new_session_body ID CAP LABEL  the body of POST /abg/sessions
  urlencode TEXT                 TEXT percent-encoded for a query parameter

Money is shown half-up to the cent and a percent of a cap rounded down, as the proxy's own messages show them.
"""

import json
import os
import re
import sys
import urllib.parse
from datetime import datetime
from decimal import Decimal, ROUND_HALF_UP

# ---------------------------------------------------------------------------------------------------------------------
# The config file. The proxy reads it with SmallRye Config's YAML source (SnakeYAML, YAML 1.1), which keeps numbers and
# dates as written, turns YAML 1.1 booleans (true/yes/on, false/no/off) into "true"/"false", leaves out nulls, and reads
# every document of the file, a later document or a repeated key winning. abg needs two top-level scalars (port,
# admin_token), so this reads the top-level `key: value` lines the same way, and nothing more: plain, 'single-' and
# "double-quoted" values, comments, booleans, numbers, and plain values folded over indented lines. An indented line
# belongs to the section or value above it and is never a top-level key. A value in a form this does not read (a block
# scalar | or >, a list, a flow collection, an anchor, alias or tag) is an error only when its key is asked for; a quote
# that does not end on its line, or a file the proxy would refuse (a tab in the indentation, a list item among the
# keys), is an error in any case. Checked against the proxy's own reader by dev.abg.cli.AbgConfigFileIT.

class ConfigError(Exception):
    def __init__(self, message, line=None):
        super().__init__(message if line is None else "line %d: %s" % (line, message))
        self.message = message
        self.line = line

class Unterminated(ConfigError):
    """A quote that does not end on its line: where the value ends, and so what the next lines are, is not known."""

class Unread:
    """A top-level value in a form read_config does not read; asking for its key is an error."""

    def __init__(self, line, why):
        self.line = line
        self.why = why

YAML11_TRUE = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
YAML11_FALSE = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
YAML_NULL = {"", "~", "null", "Null", "NULL"}
SPACE = " \t"
ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", " ": " ",
           '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}

def comment_start(text):
    """Where a comment starts in plain text: a '#' at the start or after a space or tab; len(text) when there is none."""
    for i, c in enumerate(text):
        if c == "#" and (i == 0 or text[i - 1] in SPACE):
            return i
    return len(text)

def single_quoted(text, line):
    """text starts with "'": the value ('' is one quote) and what follows the closing quote."""
    out = []
    i = 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1:i + 2] != "'":
                return "".join(out), text[i + 1:]
            i += 1
        out.append(text[i])
        i += 1
    raise Unterminated("a quote that does not end on its line (abg reads quoted values that do)", line)

def double_quoted(text, line):
    """text starts with '"': the value, its escapes applied, and what follows the closing quote."""
    out = []
    i = 1
    while i < len(text):
        c = text[i]
        if c == '"':
            return "".join(out), text[i + 1:]
        if c == "\\" and i + 1 < len(text):
            e = text[i + 1]
            if e in ESCAPES:
                out.append(ESCAPES[e])
                i += 2
                continue
            digits = text[i + 2:i + 2 + HEX_ESCAPES.get(e, 0)]
            if e not in HEX_ESCAPES or len(digits) != HEX_ESCAPES[e] or not re.fullmatch("[0-9A-Fa-f]+", digits):
                raise ConfigError("bad escape \\%s in a double-quoted value" % (e + digits), line)
            out.append(chr(int(digits, 16)))
            i += 2 + len(digits)
            continue
        if c == "\\":
            break  # an escaped line break: the value goes on on the next line
        out.append(c)
        i += 1
    raise Unterminated("a quote that does not end on its line (abg reads quoted values that do)", line)

def quoted(text, line):
    """A quoted scalar at the start of text: its value and the rest of the line, which may only be a comment."""
    value, rest = (single_quoted if text[0] == "'" else double_quoted)(text, line)
    if not is_blank_or_comment(rest):
        raise ConfigError("unexpected text after a quoted value: %s" % rest.strip(SPACE), line)
    return value

def split_key(text, line):
    """A line of a mapping: its key and the text after the colon; a ConfigError when it is not `key: value`."""
    key = None
    if text[0] in "'\"":
        key, rest = (single_quoted if text[0] == "'" else double_quoted)(text, line)
        rest = rest.lstrip(SPACE)
        if rest[:1] == ":" and rest[1:2] in ("", " ", "\t"):
            rest = rest[1:]
        else:
            key = None
    elif text[0] not in "-?:,[]{}#&*!|>%@`" or (text[0] in "-?:" and text[1:2] not in ("", " ", "\t")):
        end = comment_start(text)
        for i in range(end):
            if text[i] == ":" and (i + 1 == end or text[i + 1] in SPACE) and text[:i].strip(SPACE):
                key, rest = text[:i].rstrip(SPACE), text[i + 1:]
                break
    if key is None:
        raise ConfigError("expected 'key: value' (a plain or quoted key, a colon and a space)", line)
    return key, rest

def plain_scalar(text):
    """What the proxy sees of a plain value: None for a null, "true"/"false" for a YAML 1.1 boolean, else the text."""
    if text in YAML_NULL:
        return None
    if text in YAML11_TRUE:
        return "true"
    if text in YAML11_FALSE:
        return "false"
    return text

def is_blank_or_comment(line):
    return line.strip(SPACE) == "" or line.lstrip(SPACE).startswith("#")

def indent(line):
    return len(line) - len(line.lstrip(" "))

def is_list_item(text):
    return re.match(r"-([ \t]|$)", text) is not None

def is_mapping_entry(text, line):
    try:
        split_key(text, line)
        return True
    except ConfigError:
        return False

class Config:
    """The top-level scalars of a YAML config file, read line by line: {key: str, None (a null, a nested section) or Unread}."""

    def __init__(self, text):
        if text.startswith("\ufeff"):
            text = text[1:]
        self.lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
        self.values = {}
        self.document = {}  # the values of the document being read, merged into values at its end
        self.i = 0      # the next line to read
        self.base = 0   # the indentation of the current document's keys
        self.read()
        self.end_document()

    def next_content(self):
        """The index of the next line that is not blank or a comment (len(lines) when there is none)."""
        j = self.i
        while j < len(self.lines) and is_blank_or_comment(self.lines[j]):
            j += 1
        return j

    def deeper(self, j):
        """Whether line j exists and is indented more than the document's keys (it then belongs to the key above it)."""
        return j < len(self.lines) and indent(self.lines[j]) > self.base

    def read(self):
        document = None   # None before a document's first line, then "mapping", "other" (a list or a scalar) or "ended"
        while self.i < len(self.lines):
            number, line = self.i + 1, self.lines[self.i]
            self.i += 1
            if is_blank_or_comment(line):
                continue
            if re.match(r" *\t", line):
                raise ConfigError("a tab in the indentation (YAML indents with spaces)", number)
            if re.match(r"(---|\.\.\.)([ \t]|$)", line):
                if not is_blank_or_comment(line[3:]):
                    raise ConfigError("expected nothing but a comment after " + line[:3], number)
                self.end_document()
                document = "ended" if line.startswith(".") else None
                continue
            if document in (None, "ended") and line.startswith("%"):
                continue  # a directive (%YAML 1.1)
            if document == "ended":
                raise ConfigError("expected --- before the next document", number)
            if document is None:
                self.base, first = indent(line), number
                if re.match(r"[{?&!]", line[self.base:]):
                    raise ConfigError("abg reads a mapping of plain or quoted keys, not one that starts like this", number)
                # a document that is a list or a scalar gives the proxy no keys at all
                document = "mapping" if is_mapping_entry(line[self.base:], number) else "other"
            if indent(line) > self.base:
                continue  # part of the key above (a nested section, a list, a value that goes on), or of a list
            if document == "other":
                if indent(line) == self.base and is_mapping_entry(line[self.base:], number):
                    raise ConfigError("a key after a first line that is no 'key: value' (line %d)" % first, number)
                continue
            if indent(line) < self.base:
                raise ConfigError("a line indented less than the keys above it", number)
            key, rest = split_key(line[self.base:], number)
            if re.match(r" *\t", rest) and not is_blank_or_comment(rest):
                raise ConfigError("a tab before the value of %s (the proxy's YAML reader refuses it)" % key, number)
            self.document[key] = self.value(rest.strip(SPACE), number)

    def end_document(self):
        """Every document's keys are the proxy's, a later document's winning, but not with a null or a nested section."""
        self.values.update((k, v) for k, v in self.document.items() if v is not None)
        self.document = {}

    def value(self, text, line):
        """The value of the key on line, text being what follows its colon."""
        if is_blank_or_comment(text):
            # nothing after the colon: a nested section or list below (no top-level value), or a scalar on the next line
            j = self.next_content()
            if j < len(self.lines) and indent(self.lines[j]) == self.base and is_list_item(self.lines[j][self.base:]):
                while self.i < len(self.lines) and (is_blank_or_comment(self.lines[self.i]) or self.deeper(self.i)
                                                    or is_list_item(self.lines[self.i][self.base:])):
                    self.i += 1  # a list at the key's own indentation
                return Unread(line, "a list, not a value")
            if not self.deeper(j):
                return None
            text = self.lines[j].strip(SPACE)
            if is_list_item(text):
                return Unread(line, "a list, not a value")
            if is_mapping_entry(text, j + 1):
                return None  # a nested section: its keys are the proxy's section.key, never this key
            line, self.i = j + 1, j + 1
        if text[0] in "'\"":
            try:
                value = quoted(text, line)
            except Unterminated:
                raise
            except ConfigError as e:
                return Unread(line, e.message)
        elif text[0] in "|>[]{}&*!%@`," or re.match(r"[?:]([ \t]|$)", text) or is_list_item(text):
            return Unread(line, "abg reads plain and quoted values, not this form")
        else:
            value = self.plain(text)
            if re.search(r":([ \t\n]|$)", value):
                return Unread(line, "a plain value may not hold ': ' (quote it)")
            value = plain_scalar(value)
        if self.deeper(self.next_content()):
            return Unread(line, "an indented line follows the value")
        return value

    def plain(self, text):
        """A plain value and the indented lines it goes on over, folded (a line break is a space, a blank line a line
        break), up to a comment or a line that is not indented."""
        end = comment_start(text)
        words = [text[:end].rstrip(SPACE)]
        blanks = 0
        while end == len(text) and self.i < len(self.lines) and (self.lines[self.i].strip(SPACE) == "" or self.deeper(self.i)):
            more = self.lines[self.i].strip(SPACE)
            if more.startswith("#"):
                break
            self.i += 1
            if more == "":
                blanks += 1
                continue
            text, end = more, comment_start(more)
            words += ["\n" * blanks or " ", more[:end].rstrip(SPACE)]
            blanks = 0
        return "".join(words)

def read_config(text):
    """The top-level scalars of a YAML config file: {key: str, None (a null, or a nested section) or Unread}."""
    return Config(text).values

def config(path, *keys):
    try:
        with open(path, encoding="utf-8") as f:
            values = read_config(f.read())
        out = []
        for key in keys:
            v = values.get(key)
            if isinstance(v, Unread):
                raise ConfigError("%s: %s" % (key, v.why), v.line)
            if v is not None and re.search("[\r\n\0]", v):
                raise ConfigError("%s: the value must be one line" % key)
            out.append("" if v is None else v)
    except (OSError, UnicodeDecodeError, ConfigError) as e:
        print("abg: cannot read the config file %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)
    for v in out:
        print(v)

# ---------------------------------------------------------------------------------------------------------------------
# What is printed for a person: text from the API (session ids, labels, models, messages) may hold control characters —
# an ANSI sequence in a label would clear the screen or set the window title — so every control character is shown as an
# escape, as the proxy's own log does (dev.abg.text.Printable): C0 and DEL, C1, the line and paragraph separators and the
# bidirectional overrides and isolates. Backslashes stay as they are, so escaping twice changes nothing.

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

def printable(text):
    def escape(m):
        c = m.group(0)
        if c in _NAMED:
            return _NAMED[c]
        return "\\x%02x" % ord(c) if ord(c) < 0x100 else "\\u%04x" % ord(c)
    return _UNSAFE.sub(escape, str(text))

def say(line=""):
    print(printable(line))

# ---------------------------------------------------------------------------------------------------------------------
# The admin API's JSON.

def load(path):
    # money as Decimal, so that $0.045 shows as $0.05 (half-up, like the proxy's own messages), not as float's $0.04
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)

def usd(v):
    return "-" if v is None else "$" + str(Decimal(v).quantize(Decimal("0.01"), ROUND_HALF_UP))

def pct(spent, cap):
    # rounded down, as the proxy's messages round it: 82.5 % is 82 %, and 100 % only once the cap is reached
    if not cap:
        return "-"
    return "%d%%" % (Decimal(spent) * 100 // Decimal(cap))

def when(ts):
    if not ts:
        return "-"
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts

def table(headers, rows, right=()):
    rows = [[printable(c) for c in r] for r in rows]
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
        say("abg: " + p["detail"])
        for e in p.get("errors") or []:
            say("  %s: %s" % (e.get("field"), e.get("message")))
    else:
        say("abg: %s answered HTTP %s" % (what, status))

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
    say(line)
    mode = "warn-only" if s.get("block_on_limit") is False else "blocking"
    say("session cap %s, warn at %s%%, %s%s, prices %s" % (usd(s.get("session_budget_usd")), pct(s.get("warn_at") or 0, 1)[:-1], mode,
          ", enforcement " + s["enforcement"] if s.get("enforcement") else "", s.get("price_version", "-")))
    budgets = s.get("session_budgets") or s.get("details") or {}
    say()
    if budgets:
        rows = []
        for sid, b in budgets.items():
            rows.append([sid, b.get("state", "-"), usd(b.get("spent_usd")), usd(b.get("cap_usd")), pct(b.get("spent_usd") or 0, b.get("cap_usd")),
                         usd(b.get("remaining_usd"))])
        table(["SESSION", "STATE", "SPENT", "CAP", "USED", "REMAINING"], rows, right=(2, 3, 4, 5))
    else:
        say("no sessions today")
    warnings = s.get("warnings") or []
    if warnings:
        say()
        for w in warnings:
            say("! " + (w.get("message", "") if isinstance(w, dict) else str(w)))

def sessions(path):
    items = load(path).get("items", [])
    if not items:
        say("no sessions")
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
    say(line)

def new_session_body(sid, cap, label):
    body = {"id": sid}
    if label:
        body["label"] = label
    text = json.dumps(body)
    # the cap as typed (already checked to be a plain decimal number), so that no float rounding touches it
    print(text[:-1] + ', "cap_usd": ' + cap + "}" if cap else text)

def urlencode(text):
    print(urllib.parse.quote(text, safe=""))

def mtok(v):
    """A price in $/MTok as the price pages write it: at least two decimals (4.00, 0.125)."""
    if v is None:
        return "-"
    if abs(v * 100 - round(v * 100)) < 1e-9:
        return "%.2f" % v
    return ("%.6f" % v).rstrip("0")

def prices(path):
    p = load(path)
    src = p.get("sources") or {}
    print("price table %s (built in: %s)" % (p.get("version"), src.get("builtin")))
    if src.get("pricing_file"):
        print("pricing_file %s: %d models, read %s%s" % (src["pricing_file"], src.get("pricing_file_models") or 0,
              when(src.get("pricing_file_read")) if src.get("pricing_file_read") else "never",
              ", %d entries refused" % len(src["pricing_file_refused"]) if src.get("pricing_file_refused") else ""))
        if src.get("pricing_file_problem"):
            print("  last read failed: " + src["pricing_file_problem"])
    if src.get("config_overrides"):
        print("config pricing overrides: %d" % src["config_overrides"])
    price = mtok
    rows = []
    for m in p.get("models") or []:
        tier = m.get("tier")
        rows.append([m.get("model", ""), m.get("provider", ""), price(m.get("input")), price(m.get("output")),
                     price(m.get("cache_write_5m") if m.get("provider") == "anthropic" else m.get("cache_write")),
                     price(m.get("cache_write_1h")), price(m.get("cache_read") if m.get("provider") == "anthropic" else m.get("cached_input")),
                     (">%dk" % (tier["threshold_tokens"] // 1000)) if tier else "-", ",".join(m.get("variants") or []) or "-"])
    table(["MODEL", "PROVIDER", "INPUT", "OUTPUT", "WRITE", "WRITE 1H", "READ", "TIER", "VARIANTS"], rows, right=(2, 3, 4, 5, 6))
    print("US dollars per million tokens; WRITE is the 5-minute write (Anthropic) or the cache write (OpenAI), READ the cache read or cached input")

def price_check(path):
    c = load(path)
    pr = c.get("prices") or {}
    how = "exactly" if not c.get("fallback") else "by the unknown-model rule (%s)" % c.get("reason")
    print("%s (%s) is priced as %s, %s, in price table %s" % (c.get("model"), c.get("provider"), c.get("priced_as"), how, c.get("price_version")))
    parts = ["input %s" % mtok(pr.get("input")), "output %s" % mtok(pr.get("output"))]
    for key, label in (("cache_write_5m", "5m write"), ("cache_write_1h", "1h write"), ("cache_read", "cache read"),
                       ("cached_input", "cached input"), ("cache_write", "cache write")):
        if pr.get(key) is not None:
            parts.append("%s %s" % (label, mtok(pr[key])))
    print("  " + ", ".join(parts) + " per MTok")
    tier = pr.get("tier")
    if tier:
        print("  above %d prompt tokens the whole request: input %s, output %s" % (tier["threshold_tokens"], mtok(tier.get("input")), mtok(tier.get("output"))))
    if pr.get("variants"):
        print("  variants a response can select: " + ", ".join(pr["variants"]))


# ---------------------------------------------------------------------------------------------------------------------
# abg ledger import FILE.jsonl: the JSONL ledger's rows written back into the SQLite ledger, each under its own ledger id,
# skipped when the ledger has that row already — the same upstream request id in the same session, or for a row without
# one (a block) the same id, session and cost — so a second run imports nothing. A line whose id another row took (a database rebuilt after a
# deletion numbers its rows from 1 again) gets a new id. The sessions' totals grow with the
# imported rows (the session_totals triggers do the same for the breakdowns).

IMPORT_COLUMNS = ("id, started_at, ended_at, day, session_id, agent_id, client, provider, endpoint, model, priced_as, price_fallback, "
                  "input_tokens, output_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, cached_input_tokens, "
                  "reasoning_tokens, cost_micros, session_total_micros, action, usage_source, price_version, upstream_status, request_id, "
                  "speed, inference_geo, service_tier, web_search_requests, web_fetch_requests")

def micros(v):
    return int((Decimal(str(v)) * 1000000).to_integral_value())

def ledger_import(jsonl, db):
    import sqlite3
    if not os.path.isfile(db):
        print("abg: no ledger at %s: start the proxy once (it creates the ledger), stop it, then import" % db, file=sys.stderr)
        sys.exit(2)
    c = sqlite3.connect(db, timeout=30)
    try:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "requests" not in tables or "sessions" not in tables:
            print("abg: %s has no ledger tables: start the proxy once (it creates them), stop it, then import" % db, file=sys.stderr)
            sys.exit(2)
        imported = skipped = bad = 0
        with open(jsonl, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line, parse_float=Decimal)
                    rid = int(r["ledger_id"])
                except (ValueError, KeyError, TypeError):
                    bad += 1
                    print("abg: line %d of %s cannot be read: skipped" % (n, jsonl), file=sys.stderr)
                    continue
                cost = micros(r["cost_usd"])
                same_id = c.execute("SELECT session_id, cost_micros, request_id FROM requests WHERE id = ?", (rid,)).fetchone()
                if r.get("request_id"):
                    there = c.execute("SELECT 1 FROM requests WHERE request_id = ? AND session_id = ?", (r["request_id"], r["session_id"])).fetchone()
                else:
                    there = same_id == (r["session_id"], cost, None)
                if there:
                    skipped += 1
                    continue
                if same_id is not None or rid <= 0:
                    # its id was given to another row (a database rebuilt after a deletion numbers its rows from 1 again)
                    rid = c.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM requests").fetchone()[0]
                ts = r["ts"]
                c.execute("INSERT INTO sessions (id, first_seen, last_seen, spent_micros, requests) VALUES (?, ?, ?, 0, 0) ON CONFLICT (id) DO NOTHING",
                          (r["session_id"], ts, ts))
                c.execute("UPDATE sessions SET spent_micros = spent_micros + CASE WHEN ? > reset_after_id THEN ? ELSE 0 END, requests = requests + 1, "
                          "last_seen = MAX(last_seen, ?), first_seen = MIN(first_seen, ?) WHERE id = ?", (rid, cost, ts, ts, r["session_id"]))
                c.execute("INSERT INTO requests (" + IMPORT_COLUMNS + ") VALUES (" + ", ".join("?" * 31) + ")",
                          (rid, ts, ts, r["date"], r["session_id"], r.get("agent_id"), r.get("client") or "other", r["provider"], r["endpoint"],
                           r.get("model"), r.get("priced_as"), 1 if r.get("price_fallback") else 0, r.get("input_tokens", 0), r.get("output_tokens", 0),
                           r.get("cache_creation_5m_tokens", 0), r.get("cache_creation_1h_tokens", 0), r.get("cache_read_tokens", 0),
                           r.get("cached_input_tokens", 0), r.get("reasoning_tokens", 0), cost, micros(r.get("session_total_usd", 0)), r["action"],
                           r.get("usage_source") or "estimated", r.get("price_version") or "imported", r.get("upstream_status"), r.get("request_id"),
                           r.get("speed"), r.get("inference_geo"), r.get("service_tier"), r.get("web_search_requests", 0), r.get("web_fetch_requests", 0)))
                imported += 1
        c.commit()
    finally:
        c.close()
    print("imported %d row(s) from %s into %s; %d already there%s" % (imported, jsonl, db, skipped, ", %d unreadable" % bad if bad else ""))
    if imported:
        print("restart the proxy if it runs: it reads the sessions' totals at start")

COMMANDS = {"ledger_import": ledger_import, "prices": prices, "price_check": price_check, "config": config, "problem": problem, "status": status, "sessions": sessions, "merge_pages": merge_pages, "field": field, "session_line": session_line,
            "new_session_body": new_session_body, "urlencode": urlencode}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
