/** The `consent_decisions` table: each consent check's verdict for a repository or issue. */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';

export interface ConsentRecord {
  forge: string;
  repo: RepoRef;
  issueNumber?: number | undefined;
  allowed: boolean;
  reason?: string | undefined;
  detail?: string | undefined;
  quote?: string | undefined;
  source?: string | undefined;
}

export async function recordConsent(pool: Pool, c: ConsentRecord): Promise<string> {
  const r = await pool.query<{ id: string }>(
    'INSERT INTO consent_decisions (forge, owner, name, issue_number, allowed, reason, detail, quote, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id',
    [c.forge, c.repo.owner, c.repo.name, c.issueNumber ?? null, c.allowed, c.reason ?? null, c.detail ?? null, c.quote ?? null, c.source ?? null],
  );
  return r.rows[0]?.id ?? '';
}
