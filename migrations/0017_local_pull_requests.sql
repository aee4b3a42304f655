-- Up Migration

-- The local forge's own pull requests: a branch in a local repository offered for merging, numbered
-- per repository. The contribute pipeline's record of our PR stays in pull_requests, as for any forge.
CREATE TABLE local_pull_requests (
  id            bigserial PRIMARY KEY,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer NOT NULL,
  number        integer NOT NULL,
  branch        text NOT NULL,
  url           text NOT NULL,
  state         text NOT NULL CHECK (state IN ('draft', 'open', 'merged', 'closed')),
  title         text NOT NULL,
  body          text NOT NULL,
  head_oid      text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner, name, issue_number)
);

-- The local pull requests opened so far were kept in pull_requests; one that the pipeline marked
-- pending or failed afterwards was no pull request of the local forge any more, as a closed one is not.
INSERT INTO local_pull_requests (owner, name, issue_number, number, branch, url, state, title, body, head_oid, created_at, updated_at)
SELECT owner, name, issue_number, number, branch, coalesce(url, 'local:' || name || '#' || number),
       CASE WHEN state IN ('draft', 'open', 'merged', 'closed') THEN state ELSE 'closed' END,
       coalesce(title, ''), body, head_oid, created_at, updated_at
  FROM pull_requests WHERE forge = 'local' AND number IS NOT NULL;

-- Down Migration
DROP TABLE local_pull_requests;
