import type pg from 'pg';

/** The worker_endpoints table: each worker process's metrics URL, by Temporal identity. */
export async function registerWorkerEndpoint(pool: pg.Pool, identity: string, metricsUrl: string): Promise<void> {
  await pool.query(
    `INSERT INTO worker_endpoints (identity, metrics_url) VALUES ($1, $2)
     ON CONFLICT (identity) DO UPDATE SET metrics_url = EXCLUDED.metrics_url, started_at = now()`, [identity, metricsUrl]);
}

export async function removeWorkerEndpoint(pool: pg.Pool, identity: string): Promise<void> {
  await pool.query('DELETE FROM worker_endpoints WHERE identity = $1', [identity]);
}

/** The metrics URLs of these workers (those polling now), by identity. */
export async function workerEndpoints(pool: pg.Pool, identities: string[]): Promise<Array<{ identity: string; url: string }>> {
  const { rows } = await pool.query<{ identity: string; url: string }>(
    'SELECT identity, metrics_url AS url FROM worker_endpoints WHERE identity = ANY($1::text[]) ORDER BY identity', [identities]);
  return rows;
}
