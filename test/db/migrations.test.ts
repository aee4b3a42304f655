import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readdirSync } from 'node:fs';
import { migrateUp, appliedVersion, MIGRATIONS_DIR } from '../../src/db/migrate.js';
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
    const all = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    assert.deepEqual([...a, ...b].sort(), all, 'every migration applied exactly once between the two');
    assert.ok(a.length === 0 || b.length === 0, 'one runner applied them all, the other found nothing to do');
    const pool = new pg.Pool({ connectionString: u.toString() });
    assert.equal(await appliedVersion(pool), all.at(-1));
    const runs = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgmigrations');
    assert.equal(runs.rows[0]?.n, all.length);
    await pool.end();
    // Both runners must have closed their connections: nothing of theirs is left behind.
    for (let i = 0; i < 50; i++) {
      const open = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (open.rows[0]?.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    assert.equal(left.rows[0]?.n, 0, 'migration runners leave no connection open');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});
