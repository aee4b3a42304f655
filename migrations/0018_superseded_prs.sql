-- Up Migration

-- A newer fix of ours for an issue whose PR is open replaces that PR: a new row for the new PR,
-- and the old row names it (superseded_by). Each issue keeps one current row (not superseded);
-- the superseded ones stay as the record of what was opened and withdrawn. The link is written
-- before the new row in the same transaction, so it is checked at commit.
ALTER TABLE pull_requests ADD COLUMN superseded_by bigint REFERENCES pull_requests (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE pull_requests DROP CONSTRAINT pull_requests_forge_owner_name_issue_number_key;
CREATE UNIQUE INDEX pull_requests_current_per_issue ON pull_requests (forge, owner, name, issue_number) WHERE superseded_by IS NULL;
CREATE INDEX pull_requests_superseded_by_idx ON pull_requests (superseded_by) WHERE superseded_by IS NOT NULL;

-- The local forge: several pull requests of one issue (each its own branch), one per number.
ALTER TABLE local_pull_requests DROP CONSTRAINT local_pull_requests_owner_name_issue_number_key;
ALTER TABLE local_pull_requests ADD CONSTRAINT local_pull_requests_owner_name_number_key UNIQUE (owner, name, number);
CREATE INDEX local_pull_requests_branch_idx ON local_pull_requests (owner, name, branch);

-- Down Migration
-- Back to one row per issue: the newest of each issue stays, the ones it replaced are dropped.
DELETE FROM local_pull_requests l WHERE EXISTS (
  SELECT 1 FROM local_pull_requests n WHERE n.owner = l.owner AND n.name = l.name AND n.issue_number = l.issue_number AND n.id > l.id);
DROP INDEX local_pull_requests_branch_idx;
ALTER TABLE local_pull_requests DROP CONSTRAINT local_pull_requests_owner_name_number_key;
ALTER TABLE local_pull_requests ADD CONSTRAINT local_pull_requests_owner_name_issue_number_key UNIQUE (owner, name, issue_number);
DELETE FROM pull_requests WHERE superseded_by IS NOT NULL;
DROP INDEX pull_requests_superseded_by_idx;
DROP INDEX pull_requests_current_per_issue;
ALTER TABLE pull_requests DROP COLUMN superseded_by;
ALTER TABLE pull_requests ADD CONSTRAINT pull_requests_forge_owner_name_issue_number_key UNIQUE (forge, owner, name, issue_number);
