-- Up Migration

-- What GitHub last said of each quota of an account (a token, by the hash of its value), shared
-- by every worker: requests left until the reset, and a time before which none may be sent
-- (a secondary limit's Retry-After, or the conservative pace when the headers say nothing usable).
CREATE TABLE github_quota (
  account    text NOT NULL,
  resource   text NOT NULL,
  remaining  integer,
  reset_at   timestamptz,
  not_before timestamptz NOT NULL DEFAULT 'epoch',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, resource)
);

-- Down Migration
DROP TABLE github_quota;
