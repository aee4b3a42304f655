/** The `forge_cache` table: forge reads by key, each with its ETag and expiry. */
import type { Pool } from 'pg';

/** The bodies of these keys whose entries have not expired at `now`. */
export async function freshCacheEntries<T>(pool: Pool, keys: readonly string[], now: Date): Promise<Array<{ key: string; body: T }>> {
  const res = await pool.query<{ key: string; body: T }>('SELECT key, body FROM forge_cache WHERE key = ANY($1::text[]) AND expires_at > $2', [keys, now]);
  return res.rows;
}

/** Inserts or replaces entries, fetched at `now` and expiring at `expires`, in one statement. */
export async function storeCacheEntries(pool: Pool, entries: ReadonlyArray<{ key: string; body: unknown; etag?: string | null }>, now: Date, expires: Date): Promise<void> {
  await pool.query(
    `INSERT INTO forge_cache (key, etag, body, fetched_at, expires_at)
     SELECT k, e, b, $4, $5 FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS t(k, e, b)
     ON CONFLICT (key) DO UPDATE SET etag = EXCLUDED.etag, body = EXCLUDED.body, fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
    [entries.map((e) => e.key), entries.map((e) => e.etag ?? null), entries.map((e) => JSON.stringify(e.body)), now, expires],
  );
}

/** Deletes the entries expired at `now`; how many. */
export async function deleteExpiredCacheEntries(pool: Pool, now: Date): Promise<number> {
  const res = await pool.query('DELETE FROM forge_cache WHERE expires_at <= $1', [now]);
  return res.rowCount ?? 0;
}
