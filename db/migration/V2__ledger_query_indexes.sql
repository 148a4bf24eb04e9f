-- Indexes for the admin API's ledger queries (dev.abg.spend.LedgerQueries).

-- Time filters (GET /abg/requests, /abg/export) are on a row's ts, which is ended_at. Times are Instant.toString()
-- text, whose fraction has 0, 3, 6 or 9 digits, so '10:00:00Z' sorts after '10:00:00.5Z' as text. Without the
-- trailing 'Z' the text sorts in time order ('10:00:00' < '10:00:00.500' < '10:00:01'); queries compare
-- rtrim(ended_at, 'Z') and this index serves them.
CREATE INDEX requests_ts ON requests(rtrim(ended_at, 'Z'));

-- GET /abg/pricing and the status warnings list the unknown models seen, which are few rows among many.
CREATE INDEX requests_fallback ON requests(model, priced_as) WHERE price_fallback = 1;
