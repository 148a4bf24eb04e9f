-- agent-bill-guard ledger. Money is INTEGER micro-dollars; times are ISO-8601 UTC text (sortable).

-- One row per session. spent_micros is the spend since the last reset (the sum of the session's requests
-- rows with id > reset_after_id); it is kept in the same transaction as each requests row so that status reads
-- and start-up never scan the ledger.
CREATE TABLE sessions (
  id              TEXT    PRIMARY KEY,
  label           TEXT,
  cap_micros      INTEGER,                 -- NULL: the default session_budget_usd applies
  spent_micros    INTEGER NOT NULL DEFAULT 0,
  requests        INTEGER NOT NULL DEFAULT 0,
  reset_after_id  INTEGER NOT NULL DEFAULT 0,
  closed          INTEGER NOT NULL DEFAULT 0,
  first_seen      TEXT    NOT NULL,
  last_seen       TEXT    NOT NULL
);

-- The ledger: one row per proxied billed request, settled exactly once.
CREATE TABLE requests (
  id                        INTEGER PRIMARY KEY,
  started_at                TEXT    NOT NULL,
  ended_at                  TEXT    NOT NULL,
  day                       TEXT    NOT NULL,   -- the local date in the configured time zone (daily budget)
  session_id                TEXT    NOT NULL REFERENCES sessions(id),
  agent_id                  TEXT,
  client                    TEXT    NOT NULL,   -- claude-code | codex | other
  provider                  TEXT    NOT NULL,   -- anthropic | openai
  endpoint                  TEXT    NOT NULL,   -- e.g. /v1/messages
  model                     TEXT,
  priced_as                 TEXT,
  price_fallback            INTEGER NOT NULL DEFAULT 0,
  input_tokens              INTEGER NOT NULL DEFAULT 0,
  output_tokens             INTEGER NOT NULL DEFAULT 0,
  cache_creation_5m_tokens  INTEGER NOT NULL DEFAULT 0,
  cache_creation_1h_tokens  INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens         INTEGER NOT NULL DEFAULT 0,
  cached_input_tokens       INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens          INTEGER NOT NULL DEFAULT 0,
  cost_micros               INTEGER NOT NULL DEFAULT 0,
  session_total_micros      INTEGER NOT NULL DEFAULT 0,
  action                    TEXT    NOT NULL,   -- allow | warn | block | cutoff
  usage_source              TEXT    NOT NULL,   -- reported | estimated
  price_version             TEXT    NOT NULL,
  upstream_status           INTEGER,
  request_id                TEXT
);
CREATE INDEX requests_session ON requests(session_id, id);
CREATE INDEX requests_day ON requests(day);
CREATE INDEX requests_started ON requests(started_at);

-- Audited changes: sessions created, caps set, raises, resets, labels, closes, budget changes. Never deleted.
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  ts          TEXT    NOT NULL,
  session_id  TEXT,
  kind        TEXT    NOT NULL,
  detail      TEXT    NOT NULL             -- a JSON object
);
CREATE INDEX events_session ON events(session_id, id);

-- Runtime settings that outlive a restart (the budget defaults changed through the admin API).
CREATE TABLE settings (
  key         TEXT    PRIMARY KEY,
  value       TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
