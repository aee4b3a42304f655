-- Up Migration

-- The dollars each model call cost: the model it was priced at and its cost, recorded when the
-- reservation is settled; each scope's dollars this week beside its tokens.
ALTER TABLE budget_reservations ADD COLUMN model text, ADD COLUMN cost_usd numeric(14, 6) CHECK (cost_usd >= 0);
ALTER TABLE budgets ADD COLUMN used_usd numeric(14, 6) NOT NULL DEFAULT 0 CHECK (used_usd >= 0);
CREATE INDEX budget_reservations_settled_idx ON budget_reservations (settled_at) WHERE state IN ('settled', 'expired');

-- Down Migration
DROP INDEX budget_reservations_settled_idx;
ALTER TABLE budgets DROP COLUMN used_usd;
ALTER TABLE budget_reservations DROP COLUMN cost_usd, DROP COLUMN model;
