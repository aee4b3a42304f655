-- Up Migration

-- Budgets in dollars beside tokens: a scope may also cap its week's dollars (`limit_usd`, NULL: no
-- dollar cap), and a campaign its whole life's (`usd_budget`). A reservation holds the dollars its
-- call may cost at most (`hold_usd`, from the model's price), in the same transaction and on the
-- same rows as its tokens; settling charges the priced usage and frees the hold.
ALTER TABLE budgets ADD COLUMN limit_usd numeric(14, 6) CHECK (limit_usd >= 0),
                    ADD COLUMN reserved_usd numeric(14, 6) NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0);
ALTER TABLE budget_reservations ADD COLUMN hold_usd numeric(14, 6) NOT NULL DEFAULT 0 CHECK (hold_usd >= 0);
ALTER TABLE campaigns ADD COLUMN usd_budget numeric(14, 6) CHECK (usd_budget >= 0);

-- Down Migration
ALTER TABLE campaigns DROP COLUMN usd_budget;
ALTER TABLE budget_reservations DROP COLUMN hold_usd;
ALTER TABLE budgets DROP COLUMN reserved_usd, DROP COLUMN limit_usd;
