import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/errors.js';
import { Command } from 'commander';
import { issuesListHandler } from '../../../src/cli/commands/issues.js';
import { registerIssues } from '../../../src/cli/program/issues.js';
import { rerankOpenIssues } from '../../../src/prioritize/rerank.js';
import { topIssues } from '../../../src/db/issues.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  await db.pool.query(`INSERT INTO repositories (id, forge, owner, name, health, impact) VALUES (1, 'github', 'Acme', 'Widget', 0.9, 0.8), (2, 'github', 'other', 'lib', 0.2, 0.1)`);
  await db.pool.query(`INSERT INTO issues (repository_id, number, title, category, critical, complexity, solvability, created_at, updated_at, comments, reactions, state) VALUES
    (1, 7, 'Crash on start', 'bug', true, 2, 0.9, '2026-01-01Z', '2026-01-01Z', 10, 4, 'open'),
    (1, 8, E'Typo\\u001b[31m in docs', 'documentation', false, NULL, NULL, '2026-05-01Z', '2026-05-01Z', 0, 0, 'open'),
    (2, 1, 'Slow parser', 'performance', false, 6, 0.4, '2025-01-01Z', '2025-01-01Z', 3, 0, 'open'),
    (2, 2, 'Old closed', 'bug', false, 6, 0.4, '2025-01-01Z', '2025-01-01Z', 3, 0, 'closed')`);
  // One PR of ours in Acme/Widget, a bug fix, merged.
  await db.pool.query(`INSERT INTO pull_requests (id, forge, owner, name, issue_number, number, branch, body, category) VALUES (1, 'github', 'Acme', 'Widget', 3, 11, 'b', '', 'bug')`);
  await db.pool.query(`INSERT INTO outcomes (pull_request_id, kind) VALUES (1, 'merged')`);
});
after(async () => { await db.drop(); });

describe('issues list', () => {
  test('before any re-rank the list still works: priorities computed on the fly, with a re-rank-needed notice', async () => {
    const notices: string[] = [];
    const text = await issuesListHandler(db.pool, { explain: true }, (l) => notices.push(l));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /re-rank needed: the ranking is empty.*globallm issues rerank/);
    assert.equal(text.split('\n').filter((l) => /^\s+\d+\. /.test(l)).length, 3, text);
    assert.ok(text.includes('solvability') && text.includes('urgency'), text);
    const topBefore = await topIssues(db.pool, [{ forge: 'github', owner: 'Acme', repo: 'Widget' }], 5);
    assert.deepEqual(topBefore.map((t) => t.number), [7, 8]);
  });

  test('live and stored rankings agree; the stored one is read once built, without a notice', async () => {
    const live = (JSON.parse(await issuesListHandler(db.pool, { json: true })) as { issues: Array<{ repo: string; number: number; priority: number }> }).issues;
    const now = new Date();
    await rerankOpenIssues(db.pool, { now });
    const notices: string[] = [];
    const stored = (JSON.parse(await issuesListHandler(db.pool, { json: true }, (l) => notices.push(l))) as { issues: Array<{ repo: string; number: number; priority: number; rankedAt: string }> }).issues;
    assert.deepEqual(notices, []);
    assert.deepEqual(stored.map((i) => `${i.repo}#${i.number}`), live.map((i) => `${i.repo}#${i.number}`));
    assert.ok(stored.every((i) => i.rankedAt === now.toISOString()));
    // Ages moved by a few milliseconds between the two, nothing more.
    stored.forEach((s, k) => assert.ok(Math.abs(s.priority - live[k]!.priority) < 1e-6));
  });

  test('a missing ranking table: the list and topIssues still answer, and say a re-rank is needed', async () => {
    await rerankOpenIssues(db.pool, { now: new Date('2026-06-01T00:00:00Z') });
    const stored = await topIssues(db.pool, [{ forge: 'github', owner: 'other', repo: 'lib' }, { forge: 'github', owner: 'Acme', repo: 'Widget' }], 2);
    await db.pool.query('DROP TABLE issue_ranks');
    try {
      const notices: string[] = [];
      const text = await issuesListHandler(db.pool, {}, (l) => notices.push(l));
      assert.match(notices[0] ?? '', /re-rank needed: the ranking table is missing/);
      assert.equal(text.split('\n').filter((l) => /^\s+\d+\. /.test(l)).length, 3);
      const live = await topIssues(db.pool, [{ forge: 'github', owner: 'other', repo: 'lib' }, { forge: 'github', owner: 'Acme', repo: 'Widget' }], 2);
      assert.deepEqual(live.map((t) => `${t.owner}/${t.name}#${t.number}`), stored.map((t) => `${t.owner}/${t.name}#${t.number}`));
    } finally {
      await rerankOpenIssues(db.pool, { now: new Date('2026-06-01T00:00:00Z') });
    }
  });

  test('topIssues reads the ranking: only the given repositories, open issues, highest first, at most limit', async () => {
    await rerankOpenIssues(db.pool, { now: new Date('2026-06-01T00:00:00Z') });
    const rows = await topIssues(db.pool, [{ forge: 'github', owner: 'other', repo: 'lib' }], 10);
    assert.deepEqual(rows.map((r) => r.number), [1]); // #2 is closed
    const both = await topIssues(db.pool, [{ forge: 'github', owner: 'other', repo: 'lib' }, { forge: 'github', owner: 'Acme', repo: 'Widget' }], 2);
    assert.equal(both.length, 2);
    assert.ok(both[0]!.priority >= both[1]!.priority);
    assert.deepEqual(await topIssues(db.pool, [{ forge: 'github', owner: 'nobody', repo: 'none' }], 5), []);
    assert.deepEqual(await topIssues(db.pool, [], 5), []);
  });

  test('JSON: open issues by priority, highest first, with --limit and --repo', async () => {
    await rerankOpenIssues(db.pool, { now: new Date('2026-06-01T00:00:00Z') });
    const all = (JSON.parse(await issuesListHandler(db.pool, { json: true })) as { issues: Array<{ repo: string; number: number; priority: number; rank: number }> }).issues;
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((i) => i.rank), [1, 2, 3]);
    for (let k = 1; k < all.length; k++) assert.ok(all[k - 1]!.priority >= all[k]!.priority);
    assert.equal(`${all[0]!.repo}#${all[0]!.number}`, 'Acme/Widget#7');
    const one = (JSON.parse(await issuesListHandler(db.pool, { json: true, limit: '1' })) as { issues: unknown[] }).issues;
    assert.equal(one.length, 1);
    const repo = (JSON.parse(await issuesListHandler(db.pool, { json: true, repo: 'OTHER/lib' })) as { issues: Array<{ repo: string }> }).issues;
    assert.deepEqual(repo.map((r) => r.repo), ['other/lib']);
  });

  test('--explain shows every term per issue and strips control characters from titles', async () => {
    await rerankOpenIssues(db.pool, { now: new Date('2026-06-01T00:00:00Z') });
    const text = await issuesListHandler(db.pool, { explain: true, repo: 'acme/widget' });
    for (const key of ['health', 'impact', 'solvability', 'urgency', 'importance', 'category bug (×3), critical (×2) / 10', 'age ', 'engagement', 'complexity unknown',
      'not judged: fallback for documentation', 'outcomes', 'repository 1/1 → 0.67', 'category 1/1 → 0.67', 'category 0/0 → 0.50']) {
      assert.ok(text.includes(key), `missing ${key} in\n${text}`);
    }
    assert.ok(!text.includes('\u001b'));
    assert.equal(text.split('\n').filter((l) => /^\s+\d+\. /.test(l)).length, 2);
  });

  test('malformed options are UsageErrors', async () => {
    for (const opts of [{ repo: 'nope' }, { repo: 'a/b/c' }, { repo: '../x' }, { limit: '0' }, { limit: '1001' }, { limit: 'ten' }, { limit: '2.5' }]) {
      await assert.rejects(issuesListHandler(db.pool, opts), UsageError, JSON.stringify(opts));
    }
  });

  test('the registered command rejects a malformed --repo or --limit before touching the database', async () => {
    for (const args of [['--repo', 'not-a-repo'], ['--limit', '-3']]) {
      const program = new Command('globallm').exitOverride();
      registerIssues(program);
      await assert.rejects(program.parseAsync(['node', 'globallm', 'issues', 'list', ...args]), UsageError, args.join(' '));
    }
  });
});
