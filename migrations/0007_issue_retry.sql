-- Up Migration

-- When an issue that ended without a PR (no fix, skipped, failed by an outage) may be tried again.
-- Campaigns select only issues whose time has come; intake clears it when the issue changes.
ALTER TABLE issues ADD COLUMN retry_after timestamptz;

-- Down Migration
ALTER TABLE issues DROP COLUMN retry_after;
