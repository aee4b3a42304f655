/**
 * The `github_quota` table: per account and resource, what GitHub last said is left, when it
 * resets, and the earliest instant the next request may go.
 */
import type { Pool } from 'pg';

/** A quota row as read: instants in epoch milliseconds. */
export interface QuotaRow { remaining: number | null; resetAt: number | null; notBefore: number }

interface Row { account: string; remaining: number | null; reset_at: Date | null; not_before: Date }

/** What to write back after reading some accounts' rows: each changed row, by its place in the list read. */
export type QuotaChange = ReadonlyMap<number, QuotaRow>;

const rowOf = (row: Row | undefined): QuotaRow => ({ remaining: row?.remaining ?? null, resetAt: row?.reset_at?.getTime() ?? null, notBefore: Math.max(0, row?.not_before.getTime() ?? 0) });

/**
 * Reads the rows of `accounts` for `resource` under row locks (creating missing ones; locked in
 * account order, so transactions over overlapping accounts never deadlock), applies `change` to
 * them in the order given and writes the changed rows back, in one transaction.
 */
export async function updateQuotas(pool: Pool, accounts: readonly string[], resource: string, change: (rows: QuotaRow[]) => QuotaChange): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO github_quota (account, resource) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [accounts, resource]);
    const res = await client.query<Row>('SELECT account, remaining, reset_at, not_before FROM github_quota WHERE account = ANY($1) AND resource = $2 ORDER BY account FOR UPDATE', [accounts, resource]);
    const byAccount = new Map(res.rows.map((r) => [r.account, r]));
    const changed = change(accounts.map((a) => rowOf(byAccount.get(a))));
    for (const [i, next] of changed) {
      await client.query('UPDATE github_quota SET remaining = $3, reset_at = $4, not_before = $5, updated_at = now() WHERE account = $1 AND resource = $2',
        [accounts[i], resource, next.remaining, next.resetAt === null ? null : new Date(next.resetAt), new Date(next.notBefore)]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** One account's row for `resource`: `change` returns the row to write, or null to leave it. */
export async function updateQuota(pool: Pool, account: string, resource: string, change: (row: QuotaRow) => QuotaRow | null): Promise<void> {
  await updateQuotas(pool, [account], resource, ([row]) => {
    const next = change(row ?? rowOf(undefined));
    return new Map(next ? [[0, next]] : []);
  });
}
