import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateUp } from '../../src/db/migrate.js';

/** The suite's PostgreSQL, started by scripts/test.ts. */
export function testServerUrl(): string {
  const url = process.env['GLOBALLM_TEST_DATABASE_URL'];
  if (!url) throw new Error('GLOBALLM_TEST_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
}

function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!/test/i.test(name)) throw new Error(`refusing to touch database "${name}": its name does not mark it as a test database`);
}

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated, throwaway database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = testServerUrl();
  assertTestDatabase(server);
  const name = `globallm_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  assertTestDatabase(url);
  await migrateUp(url);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Dropping the database ends its idle connections: that is expected, not a crash of the test file.
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
