/**
 * The `write_budget_events` table: one row per content-creating request an account made in the
 * last hour, serialised per account with a transaction-scoped advisory lock.
 */
import type { Pool } from 'pg';

export interface WriteTake {
  account: string;
  purpose: string;
  /** The instant to use, read once the lock is held; null uses the database clock, so machines agree. */
  at: () => Date | null;
  /** How long until one more write fits, given the write times of the last hour (ascending) and now; 0 when it fits. */
  waitFor: (times: number[], now: number) => number;
}

/**
 * Under the account's lock: drops events older than an hour, reads the rest and records one more
 * when `waitFor` says it fits (returning 0); otherwise rolls back and returns the wait.
 */
export async function takeWrite(pool: Pool, t: WriteTake): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('globallm-write-budget:' || $1, 0))", [t.account]);
    const nowRes = await client.query<{ now: Date }>('SELECT coalesce($1::timestamptz, clock_timestamp()) AS now', [t.at()]);
    const now = nowRes.rows[0]?.now ?? new Date();
    await client.query("DELETE FROM write_budget_events WHERE account = $1 AND taken_at <= $2::timestamptz - interval '1 hour'", [t.account, now]);
    const rows = await client.query<{ taken_at: Date }>(
      "SELECT taken_at FROM write_budget_events WHERE account = $1 AND taken_at > $2::timestamptz - interval '1 hour' AND taken_at <= $2 ORDER BY taken_at",
      [t.account, now],
    );
    const wait = t.waitFor(rows.rows.map((r) => r.taken_at.getTime()), now.getTime());
    if (wait > 0) {
      await client.query('ROLLBACK');
      return wait;
    }
    await client.query('INSERT INTO write_budget_events (account, purpose, taken_at) VALUES ($1, $2, $3)', [t.account, t.purpose.slice(0, 200), now]);
    await client.query('COMMIT');
    return 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
