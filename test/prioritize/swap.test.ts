import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Unavailable } from '../../src/errors.js';
import { listRankedIssues } from '../../src/prioritize/list.js';
import { rerankOpenIssues } from '../../src/prioritize/rerank.js';
import { seedIssues } from '../../bench/rerank.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// Readers on other connections while a full re-rank builds and swaps in a new ranking.
let db: TestDatabase;
let reader: pg.Client;
let open = 0;
before(async () => {
  db = await createTestDatabase();
  await seedIssues(db.pool, 60_000, 300);
  open = Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM issues WHERE state = 'open'`)).rows[0]?.n);
  reader = new pg.Client({ connectionString: db.url });
  await reader.connect();
});
after(async () => {
  await reader.end();
  await db.drop();
});

const T1 = new Date('2026-06-01T00:00:00Z');
const T2 = new Date('2026-09-01T00:00:00Z');
const T3 = new Date('2026-12-01T00:00:00Z');

interface Seen { n: number; first: string | null; last: string | null }
async function look(): Promise<Seen> {
  const r = await reader.query<{ n: string; first: Date | null; last: Date | null }>('SELECT count(*) AS n, min(ranked_at) AS first, max(ranked_at) AS last FROM issue_ranks');
  const row = r.rows[0]!;
  return { n: Number(row.n), first: row.first?.toISOString() ?? null, last: row.last?.toISOString() ?? null };
}

describe('swapping in a new ranking', () => {
  test('a reader polling during a re-rank sees the whole old ranking or the whole new one, never a mix or a part', async () => {
    await rerankOpenIssues(db.pool, { now: T1 });
    let done = false;
    const running = rerankOpenIssues(db.pool, { now: T2, parallelWorkers: 0 }).finally(() => { done = true; });
    const seen: Seen[] = [];
    while (!done) seen.push(await look());
    await running;
    seen.push(await look());
    assert.ok(seen.length >= 2, 'the reader got in while the re-rank ran');
    for (const s of seen) {
      assert.equal(s.n, open, 'complete');
      assert.equal(s.first, s.last, 'one ranking, not a mix');
      assert.ok(s.first === T1.toISOString() || s.first === T2.toISOString(), `old or new: ${s.first}`);
    }
    assert.equal(seen[0]?.first, T1.toISOString(), 'the old ranking while the new one was built');
    assert.equal(seen.at(-1)?.first, T2.toISOString(), 'the new ranking after');
    // Ordered reads through the list see a consistent top as well.
    const top = await listRankedIssues(db.pool, { limit: 5, json: true });
    assert.equal(top.source, 'ranking');
    assert.ok(top.issues.every((i) => i.rankedAt === T2.toISOString()));
  });

  test('a long reader delays the swap, other readers keep reading the old ranking meanwhile', async () => {
    await rerankOpenIssues(db.pool, { now: T1 });
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM issue_ranks'); // holds ACCESS SHARE until COMMIT
    let done = false;
    const running = rerankOpenIssues(db.pool, { now: T2, swapLockTimeoutMs: 50, swapAttempts: 10_000 }).finally(() => { done = true; });
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      // Wait until the re-rank is queued on the lock (it has built its table by then).
      for (let k = 0; k < 400; k++) {
        const waiting = await other.query(`SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'issue_ranks' AND NOT l.granted`);
        if ((waiting.rowCount ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(done, false, 'the re-rank waits for the reader');
      const r = await other.query<{ n: string; t: Date }>('SELECT count(*) AS n, max(ranked_at) AS t FROM issue_ranks');
      assert.equal(Number(r.rows[0]?.n), open);
      assert.equal(r.rows[0]?.t.toISOString(), T1.toISOString());
      assert.equal(done, false);
    } finally {
      await other.end();
      await reader.query('COMMIT');
    }
    const res = await running;
    assert.equal(res.updated, open);
    const after = await look();
    assert.deepEqual(after, { n: open, first: T2.toISOString(), last: T2.toISOString() });
  });

  test('when readers never let go the re-rank gives up with Unavailable and the old ranking stays', async () => {
    await rerankOpenIssues(db.pool, { now: T1 });
    await reader.query('BEGIN');
    await reader.query('SELECT 1 FROM issue_ranks LIMIT 1');
    try {
      await assert.rejects(rerankOpenIssues(db.pool, { now: T3, swapLockTimeoutMs: 20, swapAttempts: 3 }), Unavailable);
    } finally {
      await reader.query('COMMIT');
    }
    assert.deepEqual(await look(), { n: open, first: T1.toISOString(), last: T1.toISOString() });
    const leftover = await db.pool.query<{ t: string | null }>(`SELECT to_regclass('issue_ranks_next')::text AS t`);
    assert.equal(leftover.rows[0]?.t, null, 'the half-built table was rolled back');
  });
});
