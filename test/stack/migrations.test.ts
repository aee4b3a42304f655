import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateUp, appliedVersion } from '../../src/db/migrate.js';
import { testServerUrl } from '../helpers/db.js';

test('two processes migrating at once both succeed and apply each migration once', async () => {
  const server = testServerUrl();
  const name = `globallm_test_mig_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  try {
    const [a, b] = await Promise.all([migrateUp(u.toString()), migrateUp(u.toString())]);
    assert.deepEqual([...a, ...b], ['0001_initial'], 'exactly one of the two applied the migration');
    const pool = new pg.Pool({ connectionString: u.toString() });
    assert.equal(await appliedVersion(pool), '0001_initial');
    const runs = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgmigrations');
    assert.equal(runs.rows[0]?.n, 1);
    await pool.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});
