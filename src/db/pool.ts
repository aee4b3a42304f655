import pg from 'pg';
import { ServiceUnavailable } from '../errors.js';
import { redactUrl } from '../util/redact-url.js';

export type Pool = pg.Pool;
/** A pool or one checked-out connection (inside a transaction): anything that runs a query. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * A connection pool; the first connection is tried at once so a bad URL fails fast and clearly.
 * A connection that PostgreSQL ends (a restart, an administrator) never crashes the process:
 * idle ones are dropped by the pool, and one checked out between two queries — whose error the pool
 * does not listen for — fails its next query instead; later checkouts open new connections.
 */
export async function openPool(url: string, options: { max?: number; connectTimeoutMs?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 8_000 });
  pool.on('error', () => { /* idle client errors surface on the next query */ });
  pool.on('connect', (client) => {
    // The logger is loaded only when there is something to say (short CLI commands never load it).
    client.on('error', (err) => {
      void import('../log.js').then(({ logger }) => logger.child({ component: 'db' }).warn({ err: err.message }, 'a PostgreSQL connection ended while in use'));
    });
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ServiceUnavailable(`PostgreSQL at ${describeTarget(url)} is not reachable: ${(err as Error).message}`, { cause: err });
  }
  return pool;
}

function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return redactUrl(url);
  }
}

