import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ActivityBudget } from '../../src/budget/activity-budget.js';
import { ScopeExhausted } from '../../src/budget/errors.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import { startHoldSweep } from '../../src/budget/sweep.js';
import { UsageError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let weekOffset = 0;
function freshWeek(): () => Date {
  const t = new Date(Date.UTC(2031, 0, 2, 12) + weekOffset++ * 7 * 86_400_000);
  return () => t;
}
const usage = (input: number, output = 0) => ({ inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0 });
let activities = 100;
const attempt = (workflowId: string, n: number, activityId = '7'): MockActivityEnvironment =>
  new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'r' }, activityId, attempt: n });
/** Runs `fn` inside an activity attempt `n` of workflow `workflowId`. */
const inAttempt = <T>(workflowId: string, n: number, fn: () => Promise<T>, activityId?: string): Promise<T> => attempt(workflowId, n, activityId).run<[], T, () => Promise<T>>(fn);
/** A fresh activity (its own id) of the workflow, first attempt. */
const inActivity = <T>(workflowId: string, fn: () => Promise<T>): Promise<T> => inAttempt(workflowId, 1, fn, String(activities++));
async function week(b: PostgresTokenBudget): Promise<{ used: number; reserved: number }> {
  const r = await db.pool.query<{ used_tokens: string; reserved_tokens: string }>(`SELECT used_tokens, reserved_tokens FROM budgets WHERE scope = 'week' AND period_start = $1`, [b.periodStart()]);
  return { used: Number(r.rows[0]?.used_tokens ?? 0), reserved: Number(r.rows[0]?.reserved_tokens ?? 0) };
}
async function reservation(id: string): Promise<{ state: string; call_key: string | null; charged_tokens: string | null; campaign: string | null }> {
  const r = await db.pool.query<{ state: string; call_key: string | null; charged_tokens: string | null; campaign: string | null }>('SELECT state, call_key, charged_tokens, campaign FROM budget_reservations WHERE id = $1', [id]);
  return r.rows[0]!;
}

describe('ActivityBudget: each paid call charged exactly once', () => {
  test('a call is keyed by workflow, activity, attempt and call number; the same key is the same hold', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000 }, now: freshWeek() });
    const budget = new ActivityBudget(inner, db.pool);
    const [a, b] = await inAttempt('issue/o/r/1', 1, async () => [
      await budget.reserve({ tokens: 100, scopes: {}, purpose: 't' }),
      await budget.reserve({ tokens: 100, scopes: {}, purpose: 't' }),
    ]);
    assert.equal((await reservation(a.id)).call_key, 'issue/o/r/1|r|7|1|0');
    assert.equal((await reservation(b.id)).call_key, 'issue/o/r/1|r|7|1|1');
    const again = await inner.reserve({ tokens: 100, scopes: {}, purpose: 't', key: 'issue/o/r/1|r|7|1|0' });
    assert.equal(again.id, a.id);
    assert.equal((await week(inner)).reserved, 200, 'reserving the same key again holds nothing more');
  });

  test('a retry settles the holds its earlier attempt left: recorded usage when the provider answered, the whole hold when not', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000 }, now: freshWeek() });
    const budget = new ActivityBudget(inner, db.pool);
    // Attempt 1: two calls; the first answered (usage recorded) but its settle never ran, the second never answered.
    const [answered, lost] = await inAttempt('issue/o/r/2', 1, async () => {
      const r1 = await budget.reserve({ tokens: 500, scopes: {}, purpose: 't' });
      await inner.recordUsage(r1.id, usage(120, 30));
      const r2 = await budget.reserve({ tokens: 400, scopes: {}, purpose: 't' });
      return [r1, r2];
    });
    assert.deepEqual(await week(inner), { used: 0, reserved: 900 });
    // Attempt 2 makes one call and settles it.
    await inAttempt('issue/o/r/2', 2, async () => {
      const r = await budget.reserve({ tokens: 300, scopes: {}, purpose: 't' });
      await budget.settle(r.id, usage(50, 10));
    });
    assert.equal((await reservation(answered.id)).charged_tokens, '150');
    assert.equal((await reservation(lost.id)).charged_tokens, '400', 'an unanswered call may have been paid: its hold is charged');
    assert.deepEqual(await week(inner), { used: 150 + 400 + 60, reserved: 0 }, 'nothing left held, nothing charged twice');
    // A third attempt finds nothing left to settle.
    await inAttempt('issue/o/r/2', 3, () => budget.reserve({ tokens: 10, scopes: {}, purpose: 't' }));
    assert.deepEqual(await week(inner), { used: 610, reserved: 10 });
  });

  test('the sweep charges a stale hold whose call answered and frees one that never did', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000 }, now: freshWeek() });
    const paid = await inner.reserve({ tokens: 500, scopes: {}, purpose: 't' });
    await inner.recordUsage(paid.id, usage(200));
    const unpaid = await inner.reserve({ tokens: 300, scopes: {}, purpose: 't' });
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [[paid.id, unpaid.id]]);
    await inner.expireStale(60);
    assert.equal((await reservation(paid.id)).state, 'settled');
    assert.equal((await reservation(unpaid.id)).state, 'expired');
    assert.deepEqual(await week(inner), { used: 200, reserved: 0 });
  });

  // The chaos benchmark left a hold whose answer was recorded and whose settle was killed: its
  // activity was never tried again, and nothing ran the sweep, so the budget held it for good.
  test('a hold whose call answered is charged its usage by the workers\' sweep within a minute, not after the TTL', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000 }, now: freshWeek() });
    const paid = await inner.reserve({ tokens: 500, scopes: {}, purpose: 't' });
    await inner.recordUsage(paid.id, usage(200, 30));
    const unanswered = await inner.reserve({ tokens: 300, scopes: {}, purpose: 't' });
    const recent = await inner.reserve({ tokens: 100, scopes: {}, purpose: 't' });
    await inner.recordUsage(recent.id, usage(40));
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`, [[paid.id, unanswered.id]]);
    const stop = startHoldSweep(inner, { everyMs: 20, answeredGraceSeconds: 60 });
    try {
      for (let i = 0; i < 200 && (await reservation(paid.id)).state !== 'settled'; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop();
    }
    assert.equal((await reservation(paid.id)).charged_tokens, '230', 'exactly the recorded usage');
    assert.equal((await reservation(unanswered.id)).state, 'held', 'an unanswered hold waits for its TTL or a retry');
    assert.equal((await reservation(recent.id)).state, 'held', 'a fresh hold is left to its live worker');
    await inner.settle(paid.id, usage(200, 30));
    assert.deepEqual(await week(inner), { used: 230, reserved: 400 }, 'a late settle by the worker charges nothing twice');
    await assert.rejects(inner.settleAnswered(-1), UsageError);
  });

  test('a campaign cap counts what its calls hold and were charged; its own workflow and the issues it selected are charged to it', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 100_000 }, now: freshWeek() });
    const budget = new ActivityBudget(inner, db.pool);
    await db.pool.query(`INSERT INTO campaigns (id, token_budget) VALUES ('cap-test', 1000)`);
    const first = await inActivity('campaign/cap-test', () => budget.reserve({ tokens: 600, scopes: {}, purpose: 't' }));
    assert.equal((await reservation(first.id)).campaign, 'cap-test');
    await assert.rejects(inActivity('campaign/cap-test', () => budget.reserve({ tokens: 600, scopes: {}, purpose: 't' })),
      (e: unknown) => e instanceof ScopeExhausted && e.scope === 'campaign:cap-test' && /--token-budget/.test(e.message));
    await inner.settle(first.id, usage(100));
    // An issue the campaign selected is charged to it from its own workflow.
    await db.pool.query(`INSERT INTO repositories (id, forge, owner, name) VALUES (901, 'local', 'o', 'capped')`);
    await db.pool.query(`INSERT INTO issues (repository_id, number, title, created_at, updated_at, campaign) VALUES (901, 3, 't', now(), now(), 'cap-test')`);
    const second = await inActivity('issue/o/capped/3', () => budget.reserve({ tokens: 600, scopes: {}, purpose: 't' }));
    assert.equal((await reservation(second.id)).campaign, 'cap-test');
    await assert.rejects(inActivity('issue/o/capped/3', () => budget.reserve({ tokens: 301, scopes: {}, purpose: 't' })), ScopeExhausted);
    // Outside any campaign, no campaign cap applies.
    await inActivity('issue/o/other/1', () => budget.reserve({ tokens: 5000, scopes: {}, purpose: 't' }));
  });

  test('bad keys and campaign ids are refused', async () => {
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1000 }, now: freshWeek() });
    await assert.rejects(inner.reserve({ tokens: 1, scopes: { campaign: "x'; DROP TABLE campaigns" }, purpose: 't' }), UsageError);
    await assert.rejects(inner.reserve({ tokens: 1, scopes: {}, purpose: 't', key: '' }), UsageError);
  });
});
