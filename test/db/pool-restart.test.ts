import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { openPool } from '../../src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let pool: pg.Pool;
before(async () => {
  db = await createTestDatabase();
  pool = await openPool(db.url, { max: 2 });
});
after(async () => {
  await pool.end();
  await db.drop();
});

// The chaos benchmark's PostgreSQL restart killed a worker: a connection checked out between two
// queries of a transaction had no 'error' listener, and its end was an unhandled 'error' event.
test('a checked-out connection that PostgreSQL ends fails its next query; the pool goes on with new ones', async () => {
  const client = await pool.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  await client.query('BEGIN');
  // Between two statements of the transaction, PostgreSQL goes away under the connection.
  const gone = new Promise((r) => client.once('end', r));
  await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
  await gone;
  await assert.rejects(client.query('SELECT 1'));
  client.release(true);
  const again = await pool.query<{ one: number }>('SELECT 1 AS one');
  assert.equal(again.rows[0]?.one, 1);
});

