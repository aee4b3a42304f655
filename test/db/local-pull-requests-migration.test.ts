import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, migrateUp } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** Down to just before 0017 (past 0018, which came after it). */
async function migrateDownTo0016(): Promise<void> {
  await runner({ databaseUrl: db.url, dir: MIGRATIONS_DIR, direction: 'down', count: 2, migrationsTable: 'pgmigrations', checkOrder: true, singleTransaction: true, log: () => undefined });
}

test('migration 0017 takes the local forge\'s pull requests out of pull_requests, and only those', async () => {
  await migrateDownTo0016();
  assert.equal((await db.pool.query<{ t: string | null }>(`SELECT to_regclass('local_pull_requests') AS t`)).rows[0]?.t, null, 'the step down drops the table');
  await db.pool.query(
    `INSERT INTO pull_requests (forge, owner, name, issue_number, number, branch, url, state, title, body, head_oid) VALUES
       ('local', 'local', 'demo', 1, 1, 'globallm/issue-1', 'local:demo#1', 'draft', 'Fix one', 'b1', 'aaa'),
       ('local', 'local', 'demo', 2, 2, 'globallm/issue-2', NULL, 'failed', NULL, 'b2', NULL),
       ('local', 'local', 'demo', 3, NULL, 'globallm/issue-3', NULL, 'pending', 't', 'b3', NULL),
       ('github', 'acme', 'demo', 1, 7, 'globallm/issue-1', 'https://github.com/acme/demo/pull/7', 'open', 't', 'b', 'bbb')`);
  await migrateUp(db.url);
  const rows = (await db.pool.query<{ issue_number: number; number: number; url: string; state: string; title: string; head_oid: string | null }>(
    'SELECT issue_number, number, url, state, title, head_oid FROM local_pull_requests ORDER BY issue_number')).rows;
  assert.deepEqual(rows, [
    { issue_number: 1, number: 1, url: 'local:demo#1', state: 'draft', title: 'Fix one', head_oid: 'aaa' },
    // Marked failed by the pipeline after it was opened: no longer open on the local forge.
    { issue_number: 2, number: 2, url: 'local:demo#2', state: 'closed', title: '', head_oid: null },
  ]);
  assert.equal((await db.pool.query('SELECT 1 FROM pull_requests')).rowCount, 4, 'the pipeline\'s records stay');
});

test('the local forge\'s table refuses a number taken in the repository and an unknown state, not a second pull request of an issue', async () => {
  const insert = (issue: number, number: number, state: string) => db.pool.query(
    `INSERT INTO local_pull_requests (owner, name, issue_number, number, branch, url, state, title, body) VALUES ('local', 'demo', $1, $2, 'b', 'u', $3, 't', 'b')`, [issue, number, state]);
  await assert.rejects(insert(5, 1, 'open'), /duplicate key/);
  await assert.rejects(insert(5, 9, 'pending'), /check constraint/);
  await insert(1, 9, 'open');
});
