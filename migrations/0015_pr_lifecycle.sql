-- Up Migration

-- Outcomes of our PRs: `withdrawn` (closed by us: superseded, or by the operator) apart from
-- `closed` (closed by someone else), and `auto_merge` (what became of a request for auto-merge).
ALTER TABLE outcomes DROP CONSTRAINT outcomes_kind_check;
ALTER TABLE outcomes ADD CONSTRAINT outcomes_kind_check CHECK (kind IN ('merged', 'closed', 'withdrawn', 'review_comment', 'ignored', 'updated', 'auto_merge'));

-- Issues where a maintainer closed our PR unmerged: never opened again, whatever Temporal's
-- retention has forgotten. One row per issue; the PR that was closed is named.
CREATE TABLE declined_issues (
  forge         text NOT NULL,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer NOT NULL,
  pr_number     integer NOT NULL,
  pr_url        text,
  closed_at     timestamptz,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (forge, owner, name, issue_number)
);

-- Down Migration
DROP TABLE declined_issues;
DELETE FROM outcomes WHERE kind IN ('withdrawn', 'auto_merge');
ALTER TABLE outcomes DROP CONSTRAINT outcomes_kind_check;
ALTER TABLE outcomes ADD CONSTRAINT outcomes_kind_check CHECK (kind IN ('merged', 'closed', 'review_comment', 'ignored', 'updated'));
