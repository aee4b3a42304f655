-- Up Migration

-- Self-checks written by `globallm doctor`.
CREATE TABLE doctor_checks (
  id          bigserial PRIMARY KEY,
  token       text NOT NULL UNIQUE,
  worker      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Repositories found by discovery, with their signals and scores.
CREATE TABLE repositories (
  id               bigserial PRIMARY KEY,
  forge            text NOT NULL CHECK (forge IN ('github', 'local')),
  owner            text NOT NULL,
  name             text NOT NULL,
  language         text,
  stars            integer NOT NULL DEFAULT 0,
  forks            integer NOT NULL DEFAULT 0,
  archived         boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'discovered' CHECK (status IN ('discovered', 'approved', 'rejected', 'gone')),
  reject_reason    jsonb,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  health           double precision,
  health_breakdown jsonb,
  impact           double precision,
  impact_breakdown jsonb,
  analyzed_at      timestamptz,
  discovered_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (forge, owner, name)
);
CREATE INDEX repositories_stars_idx ON repositories (stars DESC);
CREATE INDEX repositories_health_idx ON repositories (health DESC NULLS LAST);
CREATE INDEX repositories_impact_idx ON repositories (impact DESC NULLS LAST);
CREATE INDEX repositories_status_idx ON repositories (status);

-- Fetch cache for forge reads, with a TTL that really expires.
CREATE TABLE forge_cache (
  key         text PRIMARY KEY,
  etag        text,
  body        jsonb NOT NULL,
  fetched_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX forge_cache_expires_idx ON forge_cache (expires_at);

-- Open issues of approved repositories, their analysis and priority.
CREATE TABLE issues (
  id                  bigserial PRIMARY KEY,
  repository_id       bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number              integer NOT NULL,
  title               text NOT NULL,
  body                text NOT NULL DEFAULT '',
  labels              text[] NOT NULL DEFAULT '{}',
  author_association  text,
  comments            integer NOT NULL DEFAULT 0,
  reactions           integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  state               text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'skipped', 'claimed', 'done', 'failed', 'closed')),
  skip_reason         text,
  category            text,
  critical            boolean NOT NULL DEFAULT false,
  complexity          smallint CHECK (complexity BETWEEN 1 AND 10),
  solvability         double precision CHECK (solvability BETWEEN 0 AND 1),
  analysis            jsonb,
  analyzed_at         timestamptz,
  priority            double precision,
  priority_breakdown  jsonb,
  ranked_at           timestamptz,
  UNIQUE (repository_id, number)
);
CREATE INDEX issues_priority_idx ON issues (priority DESC NULLS LAST) WHERE state = 'open';
CREATE INDEX issues_repo_idx ON issues (repository_id, state);

-- Token budgets: a row per scope and period; reservations are taken atomically against it.
CREATE TABLE budgets (
  scope        text NOT NULL,            -- 'week', 'repo:<owner>/<name>', 'language:<lang>'
  period_start timestamptz NOT NULL,
  limit_tokens bigint NOT NULL CHECK (limit_tokens >= 0),
  used_tokens  bigint NOT NULL DEFAULT 0 CHECK (used_tokens >= 0),
  reserved_tokens bigint NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
  PRIMARY KEY (scope, period_start),
  CHECK (used_tokens + reserved_tokens <= limit_tokens)
);
CREATE TABLE budget_reservations (
  id           uuid PRIMARY KEY,
  scopes       text[] NOT NULL,
  period_start timestamptz NOT NULL,
  tokens       bigint NOT NULL CHECK (tokens > 0),
  state        text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'settled', 'released')),
  actual       jsonb,
  purpose      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  settled_at   timestamptz
);

-- Pull requests we opened (or, on the local forge, branches with a stored PR record).
CREATE TABLE pull_requests (
  id            bigserial PRIMARY KEY,
  issue_id      bigint REFERENCES issues (id) ON DELETE SET NULL,
  forge         text NOT NULL,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer NOT NULL,
  number        integer,
  branch        text NOT NULL,
  url           text,
  state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('preview', 'draft', 'open', 'merged', 'closed')),
  body          text NOT NULL,
  evidence      jsonb NOT NULL DEFAULT '{}'::jsonb,
  tokens        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (forge, owner, name, issue_number)
);

-- What happened after a PR was opened: merged, closed, review comments, ignored.
CREATE TABLE outcomes (
  id            bigserial PRIMARY KEY,
  pull_request_id bigint NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('merged', 'closed', 'review_comment', 'ignored', 'updated')),
  detail        jsonb NOT NULL DEFAULT '{}'::jsonb,
  observed_at   timestamptz NOT NULL DEFAULT now()
);

-- Finished issue work, kept after Temporal's retention forgets the workflow.
CREATE TABLE issue_runs (
  workflow_id   text PRIMARY KEY,
  run_id        text NOT NULL,
  owner         text NOT NULL,
  name          text NOT NULL,
  issue_number  integer NOT NULL,
  campaign      text,
  result        text NOT NULL CHECK (result IN ('pr_opened', 'skipped', 'failed', 'no_fix', 'dry_run')),
  detail        jsonb NOT NULL DEFAULT '{}'::jsonb,
  finished_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE issue_runs;
DROP TABLE outcomes;
DROP TABLE pull_requests;
DROP TABLE budget_reservations;
DROP TABLE budgets;
DROP TABLE issues;
DROP TABLE forge_cache;
DROP TABLE repositories;
DROP TABLE doctor_checks;
