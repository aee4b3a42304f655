-- Up Migration

-- A slot taken by a PR about to be opened, under a per-owner advisory lock: the PR caps count the
-- open PRs plus the PRs being opened, so parallel workers cannot both pass one cap. A slot is
-- freed once its PR is on record (or its attempt fails); one left by a killed worker lapses.
CREATE TABLE pr_open_slots (
  forge         text NOT NULL,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer NOT NULL,
  taken_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (forge, owner, name, issue_number)
);

-- Down Migration
DROP TABLE pr_open_slots;
