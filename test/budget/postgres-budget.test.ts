import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { BudgetExhausted, NotFound, UsageError } from '../../src/errors.js';
import { ScopeExhausted } from '../../src/budget/errors.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

// Every test works in its own week so the scope rows never collide.
let weekOffset = 0;
function freshWeek(): () => Date {
  const t = new Date(Date.UTC(2030, 0, 2, 12) + weekOffset++ * 7 * 86_400_000);
  return () => t;
}

interface Row { scope: string; limit_tokens: string; used_tokens: string; reserved_tokens: string; overshoot_tokens: string }
async function rows(budget: PostgresTokenBudget): Promise<Map<string, { limit: number; used: number; reserved: number; overshoot: number }>> {
  const res = await db.pool.query<Row>('SELECT * FROM budgets WHERE period_start = $1', [budget.periodStart()]);
  return new Map(res.rows.map((r) => [r.scope, { limit: Number(r.limit_tokens), used: Number(r.used_tokens), reserved: Number(r.reserved_tokens), overshoot: Number(r.overshoot_tokens) }]));
}
const usage = (input: number, output = 0, cacheRead = 0, cacheWrite = 0) => ({ inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite });
async function state(id: string): Promise<string | undefined> {
  const r = await db.pool.query<{ state: string }>('SELECT state FROM budget_reservations WHERE id = $1', [id]);
  return r.rows[0]?.state;
}

describe('PostgresTokenBudget', () => {
  test('reserves up to the limit exactly, then refuses naming the week', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000 }, now: freshWeek() });
    const r1 = await b.reserve({ tokens: 600, scopes: {}, purpose: 'test' });
    assert.deepEqual(r1.scopes, ['week']);
    await assert.rejects(b.reserve({ tokens: 401, scopes: {}, purpose: 'test' }), (e: unknown) => e instanceof ScopeExhausted && e.scope === 'week' && e instanceof BudgetExhausted && /week/.test(e.message));
    const r2 = await b.reserve({ tokens: 400, scopes: {}, purpose: 'test' });
    assert.equal(r2.tokens, 400);
    assert.deepEqual((await rows(b)).get('week'), { limit: 1000, used: 0, reserved: 1000, overshoot: 0 });
    await assert.rejects(b.reserve({ tokens: 1, scopes: {}, purpose: 'test' }), BudgetExhausted);
  });

  test('repo scope: refused when the repository is full, nothing held on the other scopes', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000, repoTokens: 100 }, now: freshWeek() });
    await b.reserve({ tokens: 80, scopes: { repo: 'Acme/Widget' }, purpose: 'analyze' });
    await assert.rejects(b.reserve({ tokens: 30, scopes: { repo: 'acme/widget', language: 'Go' }, purpose: 'fix' }),
      (e: unknown) => e instanceof ScopeExhausted && e.scope === 'repo:acme/widget');
    const r = await rows(b);
    assert.equal(r.get('week')?.reserved, 80);
    assert.equal(r.get('repo:acme/widget')?.reserved, 80);
    assert.equal(r.get('language:go')?.reserved ?? 0, 0);
    // Another repository still has room.
    await b.reserve({ tokens: 100, scopes: { repo: 'acme/other', language: 'Go' }, purpose: 'fix' });
    assert.equal((await rows(b)).get('language:go')?.reserved, 100);
  });

  test('language token scope binds when configured below the week', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000, languageTokens: 50 }, now: freshWeek() });
    await b.reserve({ tokens: 50, scopes: { language: 'Rust' }, purpose: 'x' });
    await assert.rejects(b.reserve({ tokens: 1, scopes: { language: 'rust' }, purpose: 'x' }), (e: unknown) => e instanceof ScopeExhausted && e.scope === 'language:rust');
    await b.reserve({ tokens: 1, scopes: { language: 'python' }, purpose: 'x' });
  });

  test('bad requests are UsageErrors and hold nothing', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000 }, now: freshWeek() });
    for (const tokens of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(b.reserve({ tokens, scopes: {}, purpose: 'x' }), UsageError, String(tokens));
    }
    await assert.rejects(b.reserve({ tokens: 1, scopes: { repo: 'not a repo' }, purpose: 'x' }), UsageError);
    await assert.rejects(b.reserve({ tokens: 1, scopes: {}, purpose: '' }), UsageError);
    await assert.rejects(b.settle('not-a-uuid', usage(1)), UsageError);
    await assert.rejects(b.release('42'), UsageError);
    assert.equal((await rows(b)).get('week')?.reserved ?? 0, 0);
  });

  test('unknown reservation ids are NotFound', async () => {
    const b = new PostgresTokenBudget(db.pool, { now: freshWeek() });
    await assert.rejects(b.settle('00000000-0000-4000-8000-000000000000', usage(1)), NotFound);
    await assert.rejects(b.release('00000000-0000-4000-8000-000000000000'), NotFound);
  });

  test('settle charges the actual usage once, however often it is retried', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000, repoTokens: 500 }, now: freshWeek() });
    const r = await b.reserve({ tokens: 300, scopes: { repo: 'a/b' }, purpose: 'x' });
    await b.settle(r.id, usage(100, 50, 20, 10));
    await b.settle(r.id, usage(100, 50, 20, 10));
    await Promise.all([b.settle(r.id, usage(100, 50, 20, 10)), b.settle(r.id, usage(100, 50, 20, 10))]);
    const s = await rows(b);
    assert.deepEqual(s.get('week'), { limit: 1000, used: 180, reserved: 0, overshoot: 0 });
    assert.deepEqual(s.get('repo:a/b'), { limit: 500, used: 180, reserved: 0, overshoot: 0 });
    assert.equal(await state(r.id), 'settled');
    // Release after settle frees nothing more.
    await b.release(r.id);
    assert.deepEqual((await rows(b)).get('week'), { limit: 1000, used: 180, reserved: 0, overshoot: 0 });
    await assert.rejects(b.settle(r.id, usage(-1)), UsageError);
  });

  test('usage above the reservation is charged anyway and recorded as overshoot', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000 }, now: freshWeek() });
    const r = await b.reserve({ tokens: 900, scopes: {}, purpose: 'x' });
    await b.settle(r.id, usage(1000, 150));
    assert.deepEqual((await rows(b)).get('week'), { limit: 1000, used: 1150, reserved: 0, overshoot: 150 });
    await assert.rejects(b.reserve({ tokens: 1, scopes: {}, purpose: 'x' }), BudgetExhausted);
  });

  test('release frees the hold, is idempotent, and a settle after it is refused', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000 }, now: freshWeek() });
    const r = await b.reserve({ tokens: 1000, scopes: {}, purpose: 'x' });
    await b.release(r.id);
    await b.release(r.id);
    await Promise.all([b.release(r.id), b.release(r.id)]);
    assert.deepEqual((await rows(b)).get('week'), { limit: 1000, used: 0, reserved: 0, overshoot: 0 });
    assert.equal(await state(r.id), 'released');
    await assert.rejects(b.settle(r.id, usage(10)), UsageError);
    assert.equal((await rows(b)).get('week')?.used, 0);
    await b.reserve({ tokens: 1000, scopes: {}, purpose: 'x' });
  });

  test('stale holds expire back to free; a late settle still charges what was spent', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000, repoTokens: 1000, reservationTtlSeconds: 60 }, now: freshWeek() });
    const stale = await b.reserve({ tokens: 700, scopes: { repo: 'x/y' }, purpose: 'crashed' });
    const live = await b.reserve({ tokens: 200, scopes: {}, purpose: 'live' });
    assert.equal(await b.expireStale(), 0, 'nothing is stale yet');
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 minutes' WHERE id = $1`, [stale.id]);
    assert.equal(await b.expireStale(), 1);
    assert.equal(await b.expireStale(), 0);
    assert.equal(await state(stale.id), 'expired');
    assert.equal(await state(live.id), 'held');
    let s = await rows(b);
    assert.equal(s.get('week')?.reserved, 200);
    assert.equal(s.get('repo:x/y')?.reserved, 0);
    await b.release(stale.id); // freed already: no double free
    assert.equal((await rows(b)).get('week')?.reserved, 200);
    await b.settle(stale.id, usage(300));
    s = await rows(b);
    assert.deepEqual(s.get('week'), { limit: 1000, used: 300, reserved: 200, overshoot: 0 });
    assert.equal(s.get('repo:x/y')?.used, 300);
  });

  test('reserve sweeps stale holds when they are what blocks it', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100, reservationTtlSeconds: 60 }, now: freshWeek() });
    const stale = await b.reserve({ tokens: 100, scopes: {}, purpose: 'crashed' });
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '1 hour' WHERE id = $1`, [stale.id]);
    const r = await b.reserve({ tokens: 100, scopes: {}, purpose: 'next' });
    assert.equal(r.tokens, 100);
    assert.equal(await state(stale.id), 'expired');
    assert.equal((await rows(b)).get('week')?.reserved, 100);
  });

  test('50 workers on separate connections racing for the last tokens never overspend', async () => {
    const now = freshWeek();
    const pools = Array.from({ length: 50 }, () => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      const budgets = pools.map((p) => new PostgresTokenBudget(p, { config: { weeklyTokens: 1000, repoTokens: 700 }, now }));
      const results = await Promise.allSettled(budgets.map((b, i) => b.reserve({ tokens: 30 + (i % 7), scopes: { repo: 'race/repo', language: 'ts' }, purpose: 'race' })));
      const granted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = results.filter((r) => r.status === 'rejected');
      for (const r of refused) assert.ok(r.reason instanceof BudgetExhausted, String(r.reason));
      const heldSum = granted.reduce((s, r) => s + r.tokens, 0);
      assert.ok(heldSum <= 700, `held ${heldSum}`);
      assert.ok(refused.length > 0 && granted.length > 0);
      const s = await rows(budgets[0]!);
      assert.equal(s.get('repo:race/repo')?.reserved, heldSum);
      assert.equal(s.get('week')?.reserved, heldSum);
      // Settle everything with the full reservation, concurrently from the same 50 connections.
      await Promise.all(granted.map((r, i) => budgets[i % budgets.length]!.settle(r.id, usage(r.tokens))));
      const after = await rows(budgets[0]!);
      assert.deepEqual(after.get('repo:race/repo'), { limit: 700, used: heldSum, reserved: 0, overshoot: 0 });
      // The slack left is smaller than the smallest request that was refused.
      const smallestRefused = Math.min(...results.flatMap((r, i) => (r.status === 'rejected' ? [30 + (i % 7)] : [])));
      assert.ok(700 - heldSum < smallestRefused, `slack ${700 - heldSum} vs ${smallestRefused}`);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('a new week starts empty', async () => {
    let t = new Date('2031-03-05T10:00:00Z');
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100 }, now: () => t });
    await b.reserve({ tokens: 100, scopes: {}, purpose: 'x' });
    await assert.rejects(b.reserve({ tokens: 1, scopes: {}, purpose: 'x' }), BudgetExhausted);
    t = new Date('2031-03-10T00:00:00Z'); // next Monday
    await b.reserve({ tokens: 100, scopes: {}, purpose: 'x' });
  });
});

describe('language issue limit', () => {
  test('counts each issue once per week and refuses past the limit', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { languageIssues: 2 }, now: freshWeek() });
    assert.deepEqual(await b.admitIssue({ language: 'Python', issue: 'a/b#1' }), { count: 1, alreadyAdmitted: false });
    assert.deepEqual(await b.admitIssue({ language: 'python', issue: 'A/B#1' }), { count: 1, alreadyAdmitted: true });
    assert.deepEqual(await b.admitIssue({ language: 'python', issue: 'a/b#2' }), { count: 2, alreadyAdmitted: false });
    await assert.rejects(b.admitIssue({ language: 'python', issue: 'a/b#3' }), (e: unknown) => e instanceof ScopeExhausted && e.scope === 'language:python');
    assert.equal((await b.admitIssue({ language: 'python', issue: 'a/b#2' })).alreadyAdmitted, true);
    assert.equal((await b.admitIssue({ language: 'go', issue: 'a/b#3' })).count, 1);
  });

  test('concurrent admissions never pass the limit', async () => {
    const now = freshWeek();
    const pools = Array.from({ length: 20 }, () => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      const results = await Promise.allSettled(pools.map((p, i) => new PostgresTokenBudget(p, { config: { languageIssues: 5 }, now }).admitIssue({ language: 'java', issue: `o/r#${i + 1}` })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('malformed issues and languages are UsageErrors', async () => {
    const b = new PostgresTokenBudget(db.pool, { now: freshWeek() });
    for (const issue of ['a/b', 'a/b#0', 'a/b#x', '#1', 'a/b/c#1']) await assert.rejects(b.admitIssue({ language: 'go', issue }), UsageError, issue);
    await assert.rejects(b.admitIssue({ language: 'go;drop', issue: 'a/b#1' }), UsageError);
  });
});
