-- Up Migration

-- The ranking of open issues: derived data (recomputable at any time from issues, repositories
-- and the priority weights), so it lives outside the wide issues row. A full re-rank builds a
-- fresh table in one transaction and swaps it in by rename (src/prioritize/rerank.ts); readers
-- see the old ranking or the new one, never a half-built one.
--
-- UNLOGGED: no WAL for a million rows rewritten on every re-rank. After a crash PostgreSQL
-- empties it and it is not on streaming replicas: readers then treat the ranking as missing
-- (re-rank needed) and compute priorities on the fly until the next re-rank.
--
-- breakdown: double precision[] in the order of COMPACT_FIELDS (src/prioritize/breakdown-sql.ts):
-- a format version, every normalised term, then the four weights.
CREATE UNLOGGED TABLE issue_ranks (
  issue_id   bigint NOT NULL,
  priority   double precision NOT NULL,
  breakdown  double precision[] NOT NULL,
  ranked_at  timestamptz NOT NULL,
  CONSTRAINT issue_ranks_pkey PRIMARY KEY (issue_id)
);
CREATE INDEX issue_ranks_priority_idx ON issue_ranks (priority DESC, issue_id);

-- Rankings are read from issue_ranks now; issues.priority keeps the value computed when one issue
-- is analysed, and nothing orders by it any more.
DROP INDEX IF EXISTS issues_priority_idx;

-- Down Migration
CREATE INDEX issues_priority_idx ON issues (priority DESC NULLS LAST) WHERE state = 'open';
DROP TABLE IF EXISTS issue_ranks_next;
DROP TABLE IF EXISTS issue_ranks;
