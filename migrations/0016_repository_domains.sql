-- Up Migration

-- The discovery domains whose searches found each repository: a campaign works on the
-- repositories its own domain found (with its minimum stars), not on every approved one.
ALTER TABLE repositories ADD COLUMN domains text[] NOT NULL DEFAULT '{}';
CREATE INDEX repositories_domains_idx ON repositories USING gin (domains);

-- Down Migration
DROP INDEX repositories_domains_idx;
ALTER TABLE repositories DROP COLUMN domains;
