-- Up Migration

-- A paid model call is keyed by workflow, activity, attempt and call number, so a retried
-- activity finds the holds of its earlier attempts and settles them (with the provider's usage,
-- recorded in `actual` as soon as the provider answers) instead of leaving them held.
ALTER TABLE budget_reservations ADD COLUMN call_key text UNIQUE;
ALTER TABLE budget_reservations ADD COLUMN campaign text;
ALTER TABLE budget_reservations ADD COLUMN charged_tokens bigint;
CREATE INDEX budget_reservations_campaign_idx ON budget_reservations (campaign) WHERE campaign IS NOT NULL;

-- A campaign's own token cap (`campaign start --token-budget`), over the campaign's whole life.
CREATE TABLE campaigns (
  id            text PRIMARY KEY,
  token_budget  bigint NOT NULL CHECK (token_budget >= 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The campaign that last selected an issue: its fix is charged to that campaign's cap.
ALTER TABLE issues ADD COLUMN campaign text;

-- Labels the repository's consent file asked for, put on our PR when it was opened.
ALTER TABLE pull_requests ADD COLUMN labels text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE pull_requests DROP COLUMN labels;
ALTER TABLE issues DROP COLUMN campaign;
DROP TABLE campaigns;
DROP INDEX budget_reservations_campaign_idx;
ALTER TABLE budget_reservations DROP COLUMN charged_tokens;
ALTER TABLE budget_reservations DROP COLUMN campaign;
ALTER TABLE budget_reservations DROP COLUMN call_key;
