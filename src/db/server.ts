/** Statements about the PostgreSQL server itself rather than a table: reachability, databases. */
import pg from 'pg';
import type { Pool } from './pool.js';

/** One round trip: the server answers queries. */
export async function ping(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}

/** Creates `database` unless it exists, over a connection to the server's admin URL. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
  } finally {
    await client.end();
  }
}
