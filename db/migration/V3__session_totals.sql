-- Per session, model and agent: the request rows and their sums since the session's last reset, and over its
-- lifetime, so that GET /abg/sessions/{id} and the session list read a few rows instead of scanning the session's
-- ledger (with 1,000,000 rows, a session of 250,000 took over a second). Kept by the triggers below in the same
-- transaction as each requests row and each reset, like sessions.spent_micros; whoever writes the rows.
-- model and agent_id are '' for none: a key column must not be NULL for ON CONFLICT to find the row.
CREATE TABLE session_totals (
  session_id              TEXT    NOT NULL REFERENCES sessions(id),
  model                   TEXT    NOT NULL,
  agent_id                TEXT    NOT NULL,
  requests                INTEGER NOT NULL DEFAULT 0,   -- since the last reset
  cost_micros             INTEGER NOT NULL DEFAULT 0,
  input_tokens            INTEGER NOT NULL DEFAULT 0,
  output_tokens           INTEGER NOT NULL DEFAULT 0,
  lifetime_requests       INTEGER NOT NULL DEFAULT 0,
  lifetime_cost_micros    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, model, agent_id)
);

INSERT INTO session_totals (session_id, model, agent_id, requests, cost_micros, input_tokens, output_tokens, lifetime_requests,
                            lifetime_cost_micros)
SELECT r.session_id, COALESCE(r.model, ''), COALESCE(r.agent_id, ''),
       SUM(CASE WHEN r.id > s.reset_after_id THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.id > s.reset_after_id THEN r.cost_micros ELSE 0 END),
       SUM(CASE WHEN r.id > s.reset_after_id THEN r.input_tokens ELSE 0 END),
       SUM(CASE WHEN r.id > s.reset_after_id THEN r.output_tokens ELSE 0 END),
       COUNT(*), SUM(r.cost_micros)
FROM requests r JOIN sessions s ON s.id = r.session_id
GROUP BY r.session_id, COALESCE(r.model, ''), COALESCE(r.agent_id, '');

CREATE TRIGGER session_totals_add AFTER INSERT ON requests
BEGIN
  INSERT INTO session_totals (session_id, model, agent_id, requests, cost_micros, input_tokens, output_tokens, lifetime_requests,
                              lifetime_cost_micros)
  VALUES (NEW.session_id, COALESCE(NEW.model, ''), COALESCE(NEW.agent_id, ''), 1, NEW.cost_micros, NEW.input_tokens, NEW.output_tokens, 1,
          NEW.cost_micros)
  ON CONFLICT (session_id, model, agent_id) DO UPDATE SET
    requests = requests + 1, cost_micros = cost_micros + excluded.cost_micros, input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens, lifetime_requests = lifetime_requests + 1,
    lifetime_cost_micros = lifetime_cost_micros + excluded.lifetime_cost_micros;
END;

-- a reset (sessions.reset_after_id moves to the last row) starts the since-reset sums again; the lifetime ones stay
CREATE TRIGGER session_totals_reset AFTER UPDATE OF reset_after_id ON sessions
BEGIN
  UPDATE session_totals SET requests = 0, cost_micros = 0, input_tokens = 0, output_tokens = 0 WHERE session_id = NEW.id;
END;
