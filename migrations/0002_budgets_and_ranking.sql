-- Up Migration

-- Settling charges the API's actual usage. Reservations are sized as an upper bound
-- (input tokens + max_tokens), so actual <= reserved and nothing overshoots; if a provider ever
-- reports more, the excess is charged anyway and recorded in overshoot_tokens, the only way
-- used + reserved may pass the limit. New reservations still need used + reserved + n <= limit.
ALTER TABLE budgets DROP CONSTRAINT budgets_check;
ALTER TABLE budgets ADD COLUMN overshoot_tokens bigint NOT NULL DEFAULT 0 CHECK (overshoot_tokens >= 0);
ALTER TABLE budgets ADD CONSTRAINT budgets_within_limit CHECK (used_tokens + reserved_tokens <= limit_tokens + overshoot_tokens);

-- 'expired': a held reservation a crashed worker never settled, freed after a TTL. A late settle
-- of an expired reservation still charges what the API reported.
ALTER TABLE budget_reservations DROP CONSTRAINT budget_reservations_state_check;
ALTER TABLE budget_reservations ADD CONSTRAINT budget_reservations_state_check CHECK (state IN ('held', 'settled', 'released', 'expired'));
CREATE INDEX budget_reservations_held_idx ON budget_reservations (created_at) WHERE state = 'held';

-- Issues analysed or fixed per language per week: a counter separate from tokens.
CREATE TABLE budget_issue_counts (
  scope        text NOT NULL,            -- 'language:<lang>'
  period_start timestamptz NOT NULL,
  limit_issues integer NOT NULL CHECK (limit_issues >= 0),
  used_issues  integer NOT NULL DEFAULT 0 CHECK (used_issues >= 0),
  PRIMARY KEY (scope, period_start),
  CHECK (used_issues <= limit_issues)
);
-- One row per admitted issue, so admitting the same issue twice in a week counts once.
CREATE TABLE budget_issue_admissions (
  scope        text NOT NULL,
  period_start timestamptz NOT NULL,
  issue        text NOT NULL,            -- '<owner>/<name>#<number>'
  admitted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, period_start, issue)
);

-- Re-ranking rewrites every open issue: leave room on each page so the new versions can stay
-- on the same page.
ALTER TABLE issues SET (fillfactor = 80);

-- Down Migration
ALTER TABLE issues RESET (fillfactor);
DROP TABLE budget_issue_admissions;
DROP TABLE budget_issue_counts;
DROP INDEX budget_reservations_held_idx;
UPDATE budget_reservations SET state = 'released' WHERE state = 'expired';
ALTER TABLE budget_reservations DROP CONSTRAINT budget_reservations_state_check;
ALTER TABLE budget_reservations ADD CONSTRAINT budget_reservations_state_check CHECK (state IN ('held', 'settled', 'released'));
ALTER TABLE budgets DROP CONSTRAINT budgets_within_limit;
ALTER TABLE budgets DROP COLUMN overshoot_tokens;
ALTER TABLE budgets ADD CONSTRAINT budgets_check CHECK (used_tokens + reserved_tokens <= limit_tokens) NOT VALID;
