import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetShowHandler } from '../../../src/cli/commands/budget.js';
import { PostgresTokenBudget } from '../../../src/budget/postgres-budget.js';
import type { BudgetReport } from '../../../src/budget/report.js';
import { UsageError } from '../../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

const NOW = new Date('2026-06-03T10:00:00Z');
const usage = (n: number) => ({ inputTokens: n, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

describe('budget show', () => {
  test('an empty week shows the configured limits, nothing used', async () => {
    const r = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: NOW })) as BudgetReport;
    assert.equal(r.periodStart, '2026-06-01T00:00:00.000Z');
    assert.deepEqual(r.week, { scope: 'week', limit: 5_000_000, used: 0, reserved: 0, overshoot: 0, remaining: 5_000_000, usedUsd: 0, reservedUsd: 0, limitUsd: null, remainingUsd: null });
    assert.deepEqual(r.repositories, []);
    assert.deepEqual(r.languages, []);
  });

  test('use and what remains per week, repository and language', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { repoTokens: 10_000, languageIssues: 3 }, now: () => NOW });
    const a = await b.reserve({ tokens: 4_000, scopes: { repo: 'acme/widget', language: 'Go' }, purpose: 'fix' });
    await b.settle(a.id, usage(2_500));
    await b.reserve({ tokens: 1_000, scopes: { repo: 'acme/widget', language: 'Go' }, purpose: 'fix' });
    await b.admitIssue({ language: 'go', issue: 'acme/widget#1' });
    await b.admitIssue({ language: 'python', issue: 'acme/py#1' });
    const r = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: NOW, config: { languageIssues: 3 } })) as BudgetReport;
    assert.deepEqual(r.week, { scope: 'week', limit: 5_000_000, used: 2_500, reserved: 1_000, overshoot: 0, remaining: 4_996_500, usedUsd: 0, reservedUsd: 0, limitUsd: null, remainingUsd: null });
    assert.deepEqual(r.repositories, [{ scope: 'repo:acme/widget', limit: 10_000, used: 2_500, reserved: 1_000, overshoot: 0, remaining: 6_500, usedUsd: 0, reservedUsd: 0, limitUsd: null, remainingUsd: null }]);
    assert.deepEqual(r.languages.map((l) => [l.language, l.used, l.issuesUsed, l.issuesLimit, l.issuesRemaining]), [['go', 2_500, 1, 3, 2], ['python', 0, 1, 3, 2]]);
    assert.equal(r.heldReservations, 1);
    const text = await budgetShowHandler(db.pool, { now: NOW });
    assert.match(text, /week of 2026-06-01/);
    assert.match(text, /acme\/widget\s+2,500 used\s+1,000 held\s+6,500 left of 10,000/);
    assert.match(text, /go .*issues 1\/3 \(2 left\)/);
    // Another week is empty again.
    const next = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: new Date('2026-06-08T00:00:00Z') })) as BudgetReport;
    assert.equal(next.week.used, 0);
  });

  test("a campaign's cap shows what it spent and what it holds, apart", async () => {
    await db.pool.query(`INSERT INTO campaigns (id, token_budget) VALUES ('shown', 9000)`);
    const b = new PostgresTokenBudget(db.pool, { now: () => NOW });
    const spent = await b.reserve({ tokens: 3_000, scopes: { campaign: 'shown' }, purpose: 'fix' });
    await b.settle(spent.id, usage(1_200));
    await b.reserve({ tokens: 2_000, scopes: { campaign: 'shown' }, purpose: 'fix' });
    const r = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: NOW })) as BudgetReport;
    assert.deepEqual(r.campaigns.find((c) => c.scope === 'campaign:shown'), { scope: 'campaign:shown', limit: 9_000, used: 1_200, reserved: 2_000, overshoot: 0, remaining: 5_800, usedUsd: 0, reservedUsd: 0, limitUsd: null, remainingUsd: null });
    assert.match(await budgetShowHandler(db.pool, { now: NOW }), /Campaigns[^\n]*\n\s+shown\s+1,200 used\s+2,000 held\s+5,800 left of 9,000/);
  });

  test('an invalid config is a UsageError naming the key', async () => {
    await assert.rejects(budgetShowHandler(db.pool, { config: { weeklyTokens: -1 } }), (e: unknown) => e instanceof UsageError && e.message.includes('weeklyTokens'));
  });
});
