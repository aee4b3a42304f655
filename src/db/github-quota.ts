/**
 * The `github_quota` table: per account and resource, what GitHub last said is left, when it
 * resets, and the earliest instant the next request may go.
 */
import type { Pool } from 'pg';

/** A quota row as read: instants in epoch milliseconds. */
export interface QuotaRow { remaining: number | null; resetAt: number | null; notBefore: number }

interface Row { remaining: number | null; reset_at: Date | null; not_before: Date }

/**
 * Reads the account's row for `resource` under a row lock (creating it if missing), applies
 * `change` (null: leave it) and writes the result back, in one transaction.
 */
export async function updateQuota(pool: Pool, account: string, resource: string, change: (row: QuotaRow) => QuotaRow | null): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO github_quota (account, resource) VALUES ($1, $2) ON CONFLICT DO NOTHING', [account, resource]);
    const res = await client.query<Row>('SELECT remaining, reset_at, not_before FROM github_quota WHERE account = $1 AND resource = $2 FOR UPDATE', [account, resource]);
    const row = res.rows[0];
    const next = change({ remaining: row?.remaining ?? null, resetAt: row?.reset_at?.getTime() ?? null, notBefore: Math.max(0, row?.not_before.getTime() ?? 0) });
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
