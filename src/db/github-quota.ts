/** The `github_quota` table: what GitHub last said is left of each account's quota, per resource. */
import type { Pool } from 'pg';
import type { QuotaResource } from '../forge/github/quota-headers.js';

/** What is known of a quota: units left (null: unknown), when its window resets, and no request before `notBefore` (epoch ms). */
export interface QuotaState { remaining: number | null; resetAt: number | null; notBefore: number }

interface Row { remaining: number | null; reset_at: Date | null; not_before: Date }

/**
 * Reads the account's row for `resource` under a row lock (created when missing), applies
 * `change` (null: leave it) and writes it back, in one transaction.
 */
export async function updateGithubQuota(pool: Pool, account: string, resource: QuotaResource, change: (s: QuotaState) => QuotaState | null): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO github_quota (account, resource) VALUES ($1, $2) ON CONFLICT DO NOTHING', [account, resource]);
    const res = await client.query<Row>('SELECT remaining, reset_at, not_before FROM github_quota WHERE account = $1 AND resource = $2 FOR UPDATE', [account, resource]);
    const row = res.rows[0];
    const state: QuotaState = { remaining: row?.remaining ?? null, resetAt: row?.reset_at?.getTime() ?? null, notBefore: Math.max(0, row?.not_before.getTime() ?? 0) };
    const next = change(state);
    if (next) {
      await client.query('UPDATE github_quota SET remaining = $3, reset_at = $4, not_before = $5, updated_at = now() WHERE account = $1 AND resource = $2',
        [account, resource, next.remaining, next.resetAt === null ? null : new Date(next.resetAt), new Date(next.notBefore)]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
