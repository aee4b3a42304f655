-- Up Migration

-- The fix stage's result per issue: every candidate's outcome, the chosen diff with its evidence,
-- and the changed files' contents before and after (what the contribute stage commits).
CREATE TABLE fix_results (
  id           uuid PRIMARY KEY,
  forge        text NOT NULL,
  owner        text NOT NULL,
  name         text NOT NULL,
  issue_number integer NOT NULL,
  status       text NOT NULL CHECK (status IN ('pass', 'no_fix')),
  result       jsonb NOT NULL,
  files        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fix_results_issue_idx ON fix_results (forge, owner, name, issue_number, created_at DESC);

-- Down Migration
DROP TABLE fix_results;
