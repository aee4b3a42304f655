import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { explainBreakdown } from '../../src/prioritize/explain.js';
import { rankingState } from '../../src/db/rankings.js';
import { ensureRanking, rerankOpenIssues, rerankStatement } from '../../src/prioritize/rerank.js';
import { computePriority, type PriorityBreakdown } from '../../src/scoring/priority.js';
import { IssueCategory } from '../../src/scoring/categories.js';
import { outcomeHistory } from '../../src/db/outcomes.js';
import type { OutcomeHistory } from '../../src/scoring/outcomes.js';
import type { PriorityWeights } from '../../src/scoring/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  // Repositories: scored, unscored, out of range (clamped), zero.
  await db.pool.query(`INSERT INTO repositories (id, forge, owner, name, health, impact) VALUES
    (1, 'github', 'acme', 'widget', 0.9, 0.5), (2, 'github', 'Acme', 'Unscored', NULL, NULL),
    (3, 'github', 'big', 'lib', 1.4, -0.2), (4, 'local', 'zero', 'repo', 0, 0.123456789)`);
  const issues: Array<[number, number, string | null, number | null, number | null, string, number, number, string]> = [
    // repo, number, category, complexity, solvability, created_at, comments, reactions, state
    [1, 1, 'bug', 3, 0.8, '2026-01-01T00:00:00Z', 4, 10, 'open'],
    [1, 2, 'security', null, null, '2024-05-17T13:14:15Z', 60, 0, 'open'],
    [1, 3, 'documentation', 10, 1, '2026-05-31T23:00:00Z', 0, 0, 'open'],
    [2, 1, 'made-up', 1, 0, '2025-06-01T00:00:00Z', 120, 400, 'open'],
    [2, 2, null, 7, 0.5, '2026-06-01T00:00:00Z', 1, 1, 'open'],
    [3, 1, 'style', 10, null, '2020-02-29T00:00:00Z', 2, 3, 'open'],
    [3, 2, 'feature', 5, 0.3333333, '2026-03-15T08:30:00Z', 33, 33, 'open'],
    [4, 1, 'question', 1, 0.05, '2026-07-01T00:00:00Z', 0, 1, 'open'], // created after "now": age 0
    [4, 2, 'bug', 2, 0.9, '2025-01-01T00:00:00Z', 5, 5, 'closed'],
  ];
  for (const [repo, number, category, complexity, solvability, created, comments, reactions, state] of issues) {
    await db.pool.query(
      `INSERT INTO issues (repository_id, number, title, category, complexity, solvability, created_at, updated_at, comments, reactions, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)`,
      [repo, number, `Issue ${number}`, category, complexity, solvability, created, comments, reactions, state],
    );
  }
  await db.pool.query(`UPDATE issues SET critical = true WHERE repository_id = 1 AND number = 2`);
  // Our PRs so far: in acme/widget one bug fix merged and one closed; a documentation PR elsewhere ignored.
  await db.pool.query(`INSERT INTO pull_requests (id, forge, owner, name, issue_number, number, branch, body, category) VALUES
    (1, 'github', 'acme', 'widget', 90, 5, 'b1', '', 'bug'), (2, 'github', 'ACME', 'widget', 91, 6, 'b2', '', 'bug'),
    (3, 'github', 'big', 'lib', 92, 7, 'b3', '', 'documentation'), (4, 'github', 'big', 'lib', 93, NULL, 'b4', '', 'bug')`);
  await db.pool.query(`INSERT INTO outcomes (pull_request_id, kind) VALUES (1, 'merged'), (2, 'closed'), (3, 'ignored'), (4, 'merged')`);
});
after(async () => { await db.drop(); });

const NOW = new Date('2026-06-01T12:00:00Z');

interface Row {
  id: string; repository_id: string; priority: number | null; breakdown: unknown; ranked_at: Date | null; state: string;
  health: number | null; impact: number | null; solvability: number | null; complexity: number | null;
  category: string | null; critical: boolean; created_at: Date; comments: number; reactions: number; history: OutcomeHistory;
}
/** Every issue with its ranking row (if any) and its outcome history. */
async function load(): Promise<Row[]> {
  const r = await db.pool.query<Row>(`SELECT i.id, i.repository_id, k.priority, k.breakdown, k.ranked_at, i.state, r.health, r.impact, i.solvability,
    i.complexity, i.category, i.critical, i.created_at, i.comments, i.reactions
    FROM issues i JOIN repositories r ON r.id = i.repository_id LEFT JOIN issue_ranks k ON k.issue_id = i.id ORDER BY i.id`);
  for (const row of r.rows) row.history = await outcomeHistory(db.pool, row.repository_id, row.category ?? '');
  return r.rows;
}
function expected(row: Row, now: Date, weights?: PriorityWeights): PriorityBreakdown {
  const category = IssueCategory.safeParse(row.category);
  return computePriority({
    repoHealth: row.health, repoImpact: row.impact, solvability: row.solvability, complexity: row.complexity,
    category: category.success ? category.data : 'other', critical: row.critical,
    createdAt: row.created_at.toISOString(), comments: row.comments, reactions: row.reactions, outcomes: row.history,
  }, now, weights);
}
async function snapshot(): Promise<Array<{ issue_id: string; priority: number; breakdown: number[]; ranked_at: Date }>> {
  return (await db.pool.query<{ issue_id: string; priority: number; breakdown: number[]; ranked_at: Date }>(
    'SELECT issue_id, priority, breakdown, ranked_at FROM issue_ranks ORDER BY priority DESC, issue_id')).rows;
}
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-9, `${what}: ${a} vs ${b}`);

function compareTerms(actual: Array<{ key: string; raw: unknown; normalised: number; weight: number; contribution: number }>, want: PriorityBreakdown['terms'], what: string): void {
  assert.deepEqual(actual.map((t) => t.key), want.map((t) => t.key), what);
  want.forEach((w, k) => {
    const a = actual[k]!;
    close(a.normalised, w.normalised, `${what} ${w.key} normalised`);
    close(a.weight, w.weight, `${what} ${w.key} weight`);
    close(a.contribution, w.contribution, `${what} ${w.key} contribution`);
    if (typeof w.raw === 'number') close(Number(a.raw), w.raw, `${what} ${w.key} raw`);
    else assert.equal(a.raw, w.raw, `${what} ${w.key} raw`);
  });
}

describe('rerankOpenIssues', () => {
  for (const [label, weights] of [['default weights', undefined], ['other weights', { health: 0.25, impact: 3, solvability: 0, urgency: 1.75, importance: 0.5, outcomes: 4 }]] as const) {
    test(`stored priorities agree with computePriority on every open issue (${label})`, async () => {
      const res = await rerankOpenIssues(db.pool, { now: NOW, ...(weights ? { weights } : {}) });
      assert.equal(res.mode, 'full');
      assert.equal(res.updated, 8);
      const rows = await load();
      for (const row of rows) {
        if (row.state !== 'open') continue;
        const want = expected(row, NOW, weights);
        assert.ok(row.priority !== null, `issue ${row.id} ranked`);
        close(row.priority, want.total, `issue ${row.id} priority vs computePriority`);
        assert.equal(row.ranked_at?.toISOString(), NOW.toISOString());
        const e = explainBreakdown(row.breakdown, { repoHealth: row.health, repoImpact: row.impact, solvability: row.solvability,
          complexity: row.complexity, category: row.category, createdAt: row.created_at, rankedAt: row.ranked_at, comments: row.comments, reactions: row.reactions });
        assert.ok(e, `issue ${row.id} breakdown readable`);
        close(e.total, want.total, `issue ${row.id} total`);
        close(e.max ?? Number.NaN, want.max, `issue ${row.id} max`);
        compareTerms(e.terms, want.terms, `issue ${row.id}`);
        compareTerms(e.health.terms, want.health.terms, `issue ${row.id} health`);
        compareTerms(e.urgency.terms, want.urgency.terms, `issue ${row.id} urgency`);
        compareTerms(e.outcomes.terms, want.outcomes.terms, `issue ${row.id} outcomes`);
        close(e.importance.total, want.importance.total, `issue ${row.id} importance total`);
        close(e.health.total, want.health.total, `issue ${row.id} health total`);
        close(e.urgency.total, want.urgency.total, `issue ${row.id} urgency total`);
      }
    });
  }

  test('closed issues are not ranked; the ranking orders by the TypeScript totals', async () => {
    await rerankOpenIssues(db.pool, { now: NOW });
    const rows = await load();
    const closed = rows.find((r) => r.state === 'closed');
    assert.ok(closed);
    assert.equal(closed.priority, null);
    const ranked = await snapshot();
    const tsOrder = rows.filter((r) => r.state === 'open').map((r) => ({ id: r.id, total: expected(r, NOW).total }))
      .sort((a, b) => b.total - a.total || Number(a.id) - Number(b.id)).map((r) => r.id);
    assert.deepEqual(ranked.map((r) => r.issue_id), tsOrder);
  });

  test('re-ranking twice at the same instant gives the same ranking, row for row', async () => {
    await rerankOpenIssues(db.pool, { now: NOW });
    const first = await snapshot();
    await rerankOpenIssues(db.pool, { now: NOW, parallelWorkers: 0 });
    assert.deepEqual(await snapshot(), first);
    // A later instant changes the ages (so the priorities) but ranks the same issues.
    await rerankOpenIssues(db.pool, { now: new Date(NOW.getTime() + 90 * 86_400_000) });
    const later = await snapshot();
    assert.deepEqual(later.map((r) => r.issue_id).sort(), first.map((r) => r.issue_id).sort());
    assert.notDeepEqual(later.map((r) => r.priority), first.map((r) => r.priority));
  });

  test('one repository or some issues: upserted in place, the rest of the ranking untouched', async () => {
    await rerankOpenIssues(db.pool, { now: NOW });
    const LATER = new Date(NOW.getTime() + 86_400_000);
    const res = await rerankOpenIssues(db.pool, { now: LATER, repositoryId: 3 });
    assert.deepEqual([res.mode, res.updated], ['partial', 2]);
    const byRepo = await db.pool.query<{ repository_id: string; ranked_at: Date }>(
      'SELECT DISTINCT i.repository_id, k.ranked_at FROM issue_ranks k JOIN issues i ON i.id = k.issue_id ORDER BY 1');
    for (const row of byRepo.rows) assert.equal(row.ranked_at.toISOString(), (row.repository_id === '3' ? LATER : NOW).toISOString(), `repository ${row.repository_id}`);
    // The partial rows agree with computePriority at their own instant.
    for (const row of (await load()).filter((r) => r.ranked_at?.getTime() === LATER.getTime())) close(row.priority ?? Number.NaN, expected(row, LATER).total, `issue ${row.id}`);
    // An issue closed since is dropped from the ranking by the next partial re-rank of it.
    const victim = (await db.pool.query<{ id: string }>(`SELECT id FROM issues WHERE repository_id = 1 AND number = 1`)).rows[0]!.id;
    await db.pool.query(`UPDATE issues SET state = 'done' WHERE id = $1`, [victim]);
    try {
      const one = await rerankOpenIssues(db.pool, { now: LATER, issueIds: [victim] });
      assert.deepEqual([one.mode, one.updated], ['partial', 0]);
      const left = await db.pool.query('SELECT 1 FROM issue_ranks WHERE issue_id = $1', [victim]);
      assert.equal(left.rowCount, 0);
      assert.equal((await snapshot()).length, 7);
    } finally {
      await db.pool.query(`UPDATE issues SET state = 'open' WHERE id = $1`, [victim]);
    }
  });

  test('a crash-emptied or missing ranking is "re-rank needed": a partial re-rank rebuilds it whole, ensureRanking rebuilds it', async () => {
    await rerankOpenIssues(db.pool, { now: NOW });
    assert.equal(await rankingState(db.pool), 'ready');
    assert.equal(await ensureRanking(db.pool, { now: NOW }), null);
    await db.pool.query('TRUNCATE issue_ranks'); // what crash recovery does to an UNLOGGED table
    assert.equal(await rankingState(db.pool), 'empty');
    const res = await rerankOpenIssues(db.pool, { now: NOW, repositoryId: 3 });
    assert.deepEqual([res.mode, res.updated], ['full', 8]);
    await db.pool.query('DROP TABLE issue_ranks');
    assert.equal(await rankingState(db.pool), 'missing');
    const rebuilt = await ensureRanking(db.pool, { now: NOW });
    assert.equal(rebuilt?.updated, 8);
    assert.equal(await rankingState(db.pool), 'ready');
    assert.equal((await snapshot()).length, 8);
    // The rebuilt table has the migration's shape: NOT NULL columns, primary key, priority index.
    const idx = await db.pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'issue_ranks' ORDER BY 1`);
    assert.deepEqual(idx.rows.map((r) => r.indexname), ['issue_ranks_pkey', 'issue_ranks_priority_idx']);
    const nullable = await db.pool.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'issue_ranks' AND is_nullable = 'YES'`);
    assert.equal(nullable.rowCount, 0);
    const persistence = await db.pool.query<{ p: string }>(`SELECT relpersistence AS p FROM pg_class WHERE relname = 'issue_ranks'`);
    assert.equal(persistence.rows[0]?.p, 'u');
  });

  test('bad options are UsageErrors, raised before any connection is taken', async () => {
    assert.throws(() => rerankStatement({ repositoryId: 0 }), UsageError);
    assert.throws(() => rerankStatement({ repositoryId: 1.5 }), UsageError);
    assert.throws(() => rerankStatement({ repositoryId: 1, issueIds: ['1'] }), UsageError);
    assert.throws(() => rerankStatement({ issueIds: [] }), UsageError);
    assert.throws(() => rerankStatement({ issueIds: ['1; DROP TABLE issues'] }), UsageError);
    assert.throws(() => rerankStatement({ issueIds: [-1] }), UsageError);
    assert.throws(() => rerankStatement({ weights: { health: -1, impact: 1, solvability: 1, urgency: 1, importance: 1, outcomes: 1 } }), UsageError);
    assert.throws(() => rerankStatement({ now: new Date('nope') }), UsageError);
    const before = await snapshot();
    await assert.rejects(rerankOpenIssues(db.pool, { parallelWorkers: 9 }), UsageError);
    await assert.rejects(rerankOpenIssues(db.pool, { swapAttempts: 0 }), UsageError);
    await assert.rejects(rerankOpenIssues(db.pool, { repositoryId: -4 }), UsageError);
    assert.deepEqual(await snapshot(), before);
  });

  test('explainBreakdown rejects what it did not write', () => {
    const row = { repoHealth: null, repoImpact: null, solvability: null, complexity: null, category: null, createdAt: NOW, rankedAt: NOW, comments: 0, reactions: 0 };
    assert.equal(explainBreakdown(null, row), null);
    assert.equal(explainBreakdown({ total: 'x' }, row), null);
    assert.equal(explainBreakdown([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], row), null); // unknown version
    assert.equal(explainBreakdown([1, 0, 0], row), null);
  });
});
