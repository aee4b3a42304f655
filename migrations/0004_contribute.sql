-- Up Migration

-- Pull request rows follow the contribute pipeline: 'pending' while forge writes are under way,
-- 'failed' when they stopped for a reason that is recorded in last_error.
ALTER TABLE pull_requests DROP CONSTRAINT pull_requests_state_check;
ALTER TABLE pull_requests ADD CONSTRAINT pull_requests_state_check CHECK (state IN ('preview', 'pending', 'draft', 'open', 'merged', 'closed', 'failed'));
-- A retried activity finds its row by this key and updates the PR instead of opening another.
ALTER TABLE pull_requests ADD COLUMN idempotency_key text UNIQUE;
ALTER TABLE pull_requests ADD COLUMN title text;
ALTER TABLE pull_requests ADD COLUMN patch text;
ALTER TABLE pull_requests ADD COLUMN category text;
ALTER TABLE pull_requests ADD COLUMN head_owner text;
-- Head commit we wrote; equal to the branch head means our change is already there.
ALTER TABLE pull_requests ADD COLUMN head_oid text;
ALTER TABLE pull_requests ADD COLUMN node_id text;
ALTER TABLE pull_requests ADD COLUMN last_error jsonb;
ALTER TABLE pull_requests ADD COLUMN followed_up_at timestamptz;
CREATE INDEX pull_requests_state_idx ON pull_requests (state);

-- Every consent gate decision, with the sentence or file that decided it.
CREATE TABLE consent_decisions (
  id            bigserial PRIMARY KEY,
  forge         text NOT NULL,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer,
  allowed       boolean NOT NULL,
  reason        text,
  detail        text,
  quote         text,
  source        text,
  decided_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_decisions_repo_idx ON consent_decisions (forge, owner, name, decided_at DESC);

-- Content-creating requests (forks, refs, commits, PRs) taken from the account-wide budget;
-- a sliding window over the last minute and hour, shared by every worker.
CREATE TABLE write_budget_events (
  id        bigserial PRIMARY KEY,
  account   text NOT NULL,
  purpose   text NOT NULL,
  taken_at  timestamptz NOT NULL
);
CREATE INDEX write_budget_events_window_idx ON write_budget_events (account, taken_at);

-- Down Migration
DROP TABLE write_budget_events;
DROP TABLE consent_decisions;
DROP INDEX pull_requests_state_idx;
ALTER TABLE pull_requests DROP COLUMN followed_up_at;
ALTER TABLE pull_requests DROP COLUMN last_error;
ALTER TABLE pull_requests DROP COLUMN node_id;
ALTER TABLE pull_requests DROP COLUMN head_oid;
ALTER TABLE pull_requests DROP COLUMN head_owner;
ALTER TABLE pull_requests DROP COLUMN category;
ALTER TABLE pull_requests DROP COLUMN patch;
ALTER TABLE pull_requests DROP COLUMN title;
ALTER TABLE pull_requests DROP COLUMN idempotency_key;
UPDATE pull_requests SET state = 'draft' WHERE state IN ('pending', 'failed');
ALTER TABLE pull_requests DROP CONSTRAINT pull_requests_state_check;
ALTER TABLE pull_requests ADD CONSTRAINT pull_requests_state_check CHECK (state IN ('preview', 'draft', 'open', 'merged', 'closed'));
