-- requests_started (V1) served no query: the ledger is read by session, by day and by ended_at, never by started_at.
-- Every request row paid for it with one more B-tree insert in the writer's transaction.
DROP INDEX IF EXISTS requests_started;
