-- Sessions leave memory when idle (dev.abg.spend.Books#evictIdle): start-up, the status and the session list read the
-- ledger for them, by last seen (today's, the recent ones) and by spend, in pages; these keep those reads short with
-- 1,000,000 sessions.
CREATE INDEX sessions_last_seen ON sessions(last_seen, id);
CREATE INDEX sessions_spent ON sessions(spent_micros, id);
