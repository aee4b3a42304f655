import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, migrateUp } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

const down = (count: number): Promise<unknown> => runner({ databaseUrl: db.url, dir: MIGRATIONS_DIR, direction: 'down', count, migrationsTable: 'pgmigrations', checkOrder: true, singleTransaction: true, log: () => undefined });

const insertPr = (issue: number, number: number | null, state: string, key: string) => db.pool.query<{ id: string }>(
  `INSERT INTO pull_requests (forge, owner, name, issue_number, number, branch, state, body, idempotency_key) VALUES ('github', 'acme', 'demo', $1, $2, 'b' || $4, $3, 'b', $4) RETURNING id`,
  [issue, number, state, key]);

test('an issue keeps one current row; a superseded row may stand beside it, and the link is checked at commit', async () => {
  const old = (await insertPr(1, 7, 'open', 'k1')).rows[0]?.id;
  await assert.rejects(insertPr(1, 8, 'open', 'k2'), /duplicate key/, 'two current rows for one issue');
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE pull_requests SET superseded_by = 999999 WHERE id = $1', [old]);
    await assert.rejects(client.query('COMMIT'), /foreign key/, 'a link to no row is refused at commit');
    await client.query('BEGIN');
    const id = (await client.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('pull_requests', 'id'))::text AS id`)).rows[0]?.id;
    await client.query('UPDATE pull_requests SET superseded_by = $2 WHERE id = $1', [old, id]);
    await client.query(`INSERT INTO pull_requests (id, forge, owner, name, issue_number, number, branch, state, body, idempotency_key) VALUES ($1, 'github', 'acme', 'demo', 1, 8, 'b2', 'open', 'b', 'k2')`, [id]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  assert.equal((await db.pool.query('SELECT 1 FROM pull_requests WHERE issue_number = 1')).rowCount, 2);
});

test('0018 down keeps the current row of each issue and the one-row-per-issue rules; up again allows replacements', async () => {
  await db.pool.query(`INSERT INTO local_pull_requests (owner, name, issue_number, number, branch, url, state, title, body) VALUES
    ('local', 'demo', 1, 1, 'b1', 'local:demo#1', 'closed', 't', 'b'), ('local', 'demo', 1, 2, 'b2', 'local:demo#2', 'draft', 't', 'b')`);
  await down(1);
  const prs = (await db.pool.query<{ number: number }>('SELECT number FROM pull_requests WHERE issue_number = 1')).rows;
  assert.deepEqual(prs, [{ number: 8 }], 'the newer PR stays');
  const local = (await db.pool.query<{ number: number }>('SELECT number FROM local_pull_requests WHERE issue_number = 1')).rows;
  assert.deepEqual(local, [{ number: 2 }]);
  await assert.rejects(insertPr(1, 9, 'open', 'k3'), /duplicate key/);
  await migrateUp(db.url);
  assert.equal((await db.pool.query<{ c: string | null }>(`SELECT to_regclass('pull_requests_current_per_issue')::text AS c`)).rows[0]?.c, 'pull_requests_current_per_issue');
});
