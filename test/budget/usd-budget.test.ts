import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ActivityBudget } from '../../src/budget/activity-budget.js';
import { ScopeExhausted } from '../../src/budget/errors.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import { parseBudgetConfig } from '../../src/budget/schema.js';
import { budgetConfig } from '../../src/budget/from-config.js';
import type { BudgetReport } from '../../src/budget/report.js';
import { parseCampaignOptions } from '../../src/campaign/options.js';
import { budgetShowHandler } from '../../src/cli/commands/budget.js';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { maxCostUsd, type CallPricing } from '../../src/pricing/prices.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let weekOffset = 0;
function freshWeek(): () => Date {
  const t = new Date(Date.UTC(2032, 0, 2, 12) + weekOffset++ * 7 * 86_400_000);
  return () => t;
}
// $1 per million input tokens, $4 per million output, cache reads cheaper, cache writes dearer: 1 token of output is 4 micro-dollars.
const PRICING: CallPricing = { model: 'test-model', price: { input: 1, output: 4, cacheRead: 0.1, cacheWrite: 1.25 } };
const usage = (input: number, output = 0) => ({ inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0 });
const dollarError = (scope: string) => (e: unknown): boolean => e instanceof ScopeExhausted && e.scope === scope && /dollar budget exhausted/.test(e.message);

/** A scope's dollars this week, in micro-dollars (exact, as PostgreSQL keeps them). */
async function dollars(b: PostgresTokenBudget, scope = 'week'): Promise<{ used: number; reserved: number; limit: number | null; reservedTokens: number }> {
  const r = await db.pool.query<{ used: string; reserved: string; lim: string | null; reserved_tokens: string }>(
    `SELECT (used_usd * 1e6)::bigint AS used, (reserved_usd * 1e6)::bigint AS reserved, (limit_usd * 1e6)::bigint AS lim, reserved_tokens
       FROM budgets WHERE scope = $1 AND period_start = $2`, [scope, b.periodStart()]);
  const row = r.rows[0];
  return { used: Number(row?.used ?? 0), reserved: Number(row?.reserved ?? 0), limit: row?.lim == null ? null : Number(row.lim), reservedTokens: Number(row?.reserved_tokens ?? 0) };
}

describe('dollar budgets, held with the tokens in PostgreSQL', () => {
  test('a call holds what it may cost at most: its output at the output price, the rest at the dearest input price', () => {
    assert.equal(maxCostUsd(PRICING.price, 5_000, 1_000), (4_000 * 1.25 + 1_000 * 4) / 1e6);
    assert.equal(maxCostUsd(PRICING.price, 5_000), (5_000 * 4) / 1e6, 'without the output cap every token at the dearest price');
    assert.equal(maxCostUsd({ input: 3, output: 15 }, 1_000, 0), 3_000 / 1e6);
  });

  test('the weekly dollar cap grants holds until the next would pass it; settling charges the priced usage and frees the hold', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000, weeklyUsd: 0.01 }, now: freshWeek(), pricing: PRICING });
    // 4,000 × 1.25 + 1,000 × 4 = 9,000 micro-dollars.
    const first = await b.reserve({ tokens: 5_000, outputTokens: 1_000, scopes: {}, purpose: 'fix' });
    assert.deepEqual(await dollars(b), { used: 0, reserved: 9_000, limit: 10_000, reservedTokens: 5_000 });
    // 1,000 output tokens more would hold 4,000: 13,000 > 10,000. Refused, and the tokens are not held either.
    await assert.rejects(b.reserve({ tokens: 1_000, outputTokens: 1_000, scopes: {}, purpose: 'fix' }), dollarError('week'));
    assert.deepEqual(await dollars(b), { used: 0, reserved: 9_000, limit: 10_000, reservedTokens: 5_000 });
    // The call cost less than its hold: 2,000 input + 500 output = 2,000 + 2,000 micro-dollars.
    await b.settle(first.id, usage(2_000, 500));
    await b.settle(first.id, usage(2_000, 500));
    assert.deepEqual(await dollars(b), { used: 4_000, reserved: 0, limit: 10_000, reservedTokens: 0 }, 'charged once');
    // Exactly to the cap: 6,000 micro-dollars of room, 1,500 output tokens hold 6,000.
    const exact = await b.reserve({ tokens: 1_500, outputTokens: 1_500, scopes: {}, purpose: 'fix' });
    await assert.rejects(b.reserve({ tokens: 1, outputTokens: 0, scopes: {}, purpose: 'fix' }), dollarError('week'));
    await b.release(exact.id);
    assert.deepEqual(await dollars(b), { used: 4_000, reserved: 0, limit: 10_000, reservedTokens: 0 }, 'a release frees the dollars it held');
  });

  test('repository and language dollar caps bind on their own scope; the others hold nothing', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000, repoTokens: 10_000_000, repoUsd: 0.002, languageUsd: 0.5 }, now: freshWeek(), pricing: PRICING });
    await b.reserve({ tokens: 400, outputTokens: 400, scopes: { repo: 'acme/cheap', language: 'Go' }, purpose: 'fix' });
    await assert.rejects(b.reserve({ tokens: 200, outputTokens: 200, scopes: { repo: 'Acme/Cheap', language: 'Go' }, purpose: 'fix' }), dollarError('repo:acme/cheap'));
    assert.equal((await dollars(b, 'language:go')).reserved, 1_600);
    assert.equal((await dollars(b, 'week')).reserved, 1_600);
    assert.equal((await dollars(b, 'week')).limit, null, 'the week has no dollar cap here');
    await b.reserve({ tokens: 200, outputTokens: 200, scopes: { repo: 'acme/other', language: 'Go' }, purpose: 'fix' });
    assert.equal((await dollars(b, 'language:go')).reserved, 2_400);
  });

  test('concurrent holds never pass the dollar cap together', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000, weeklyUsd: 0.1 }, now: freshWeek(), pricing: PRICING });
    // Each holds 7,000 micro-dollars: 14 fit under 100,000, not 15.
    const results = await Promise.allSettled(Array.from({ length: 24 }, () => b.reserve({ tokens: 1_750, outputTokens: 1_750, scopes: {}, purpose: 'race' })));
    const granted = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(granted, 14);
    assert.ok(results.every((r) => r.status === 'fulfilled' || dollarError('week')(r.reason)));
    assert.deepEqual(await dollars(b), { used: 0, reserved: 98_000, limit: 100_000, reservedTokens: 14 * 1_750 });
  });

  test('a stale hold swept by the TTL frees its dollars; a late settle still charges them', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000, weeklyUsd: 1 }, now: freshWeek(), pricing: PRICING });
    const r = await b.reserve({ tokens: 3_000, outputTokens: 1_000, scopes: {}, purpose: 'crash' });
    await db.pool.query(`UPDATE budget_reservations SET created_at = now() - interval '2 hours' WHERE id = $1`, [r.id]);
    assert.equal(await b.expireStale(3_600), 1);
    assert.deepEqual(await dollars(b), { used: 0, reserved: 0, limit: 1_000_000, reservedTokens: 0 });
    await b.settle(r.id, usage(1_000, 250));
    assert.deepEqual(await dollars(b), { used: 2_000, reserved: 0, limit: 1_000_000, reservedTokens: 0 });
  });

  test("a campaign's dollar cap (--usd-budget) counts what it spent and holds, through the activity budget", async () => {
    await db.pool.query(`INSERT INTO campaigns (id, token_budget, usd_budget) VALUES ('usd-cap', 10000000, 0.005)`);
    const inner = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000 }, now: freshWeek(), pricing: PRICING });
    const budget = new ActivityBudget(inner, db.pool);
    let activity = 1;
    const inCampaign = <T>(fn: () => Promise<T>): Promise<T> =>
      new MockActivityEnvironment({ workflowExecution: { workflowId: 'campaign/usd-cap', runId: 'r' }, activityId: String(activity++), attempt: 1 }).run<[], T, () => Promise<T>>(fn);
    const a = await inCampaign(() => budget.reserve({ tokens: 1_000, outputTokens: 1_000, scopes: {}, purpose: 'analyze' })); // holds 4,000
    await assert.rejects(inCampaign(() => budget.reserve({ tokens: 500, outputTokens: 500, scopes: {}, purpose: 'analyze' })), dollarError('campaign:usd-cap'));
    await budget.settle(a.id, usage(1_000, 100)); // costs 1,400
    await inCampaign(() => budget.reserve({ tokens: 900, outputTokens: 900, scopes: {}, purpose: 'analyze' })); // holds 3,600: 5,000 exactly
    await assert.rejects(inCampaign(() => budget.reserve({ tokens: 1, outputTokens: 0, scopes: {}, purpose: 'analyze' })), /--usd-budget/);
    const shown = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: freshWeek()() })) as BudgetReport;
    const c = shown.campaigns.find((x) => x.scope === 'campaign:usd-cap');
    assert.deepEqual({ used: c?.usedUsd, held: c?.reservedUsd, limit: c?.limitUsd, left: c?.remainingUsd }, { used: 0.0014, held: 0.0036, limit: 0.005, left: 0 });
    assert.match(await budgetShowHandler(db.pool, { now: freshWeek()() }), /usd-cap .*\$0\.0014 used {2}\$0\.0036 held {2}\$0\.0000 left of \$0\.0050/);
  });

  test('budget show gives each scope its dollar cap, what is held and what is left', async () => {
    const now = freshWeek();
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 10_000_000, weeklyUsd: 2 }, now, pricing: PRICING });
    const r = await b.reserve({ tokens: 100_000, outputTokens: 100_000, scopes: {}, purpose: 'fix' }); // holds $0.40
    await b.settle(r.id, usage(50_000, 50_000)); // costs $0.25
    await b.reserve({ tokens: 25_000, outputTokens: 25_000, scopes: {}, purpose: 'fix' }); // holds $0.10
    const report = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: now(), config: { weeklyUsd: 2 } })) as BudgetReport;
    assert.deepEqual({ used: report.week.usedUsd, held: report.week.reservedUsd, limit: report.week.limitUsd, left: report.week.remainingUsd }, { used: 0.25, held: 0.1, limit: 2, left: 1.65 });
    assert.match(await budgetShowHandler(db.pool, { now: now(), config: { weeklyUsd: 2 } }), /week .*\$0\.2500 used {2}\$0\.1000 held {2}\$1\.6500 left of \$2\.0000/);
    const empty = JSON.parse(await budgetShowHandler(db.pool, { json: true, now: freshWeek()(), config: { weeklyUsd: 3 } })) as BudgetReport;
    assert.deepEqual([empty.week.limitUsd, empty.week.remainingUsd], [3, 3], 'an empty week shows the configured dollar cap');
  });
});

describe('dollar budgets: bad input', () => {
  test('a dollar cap on a process that prices no model is refused before anything is held', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyUsd: 1 }, now: freshWeek() });
    await assert.rejects(b.reserve({ tokens: 10, scopes: {}, purpose: 'x' }), (e: unknown) => e instanceof UsageError && /dollar budget is set \(week\).*prices no model/.test(e.message));
    assert.deepEqual(await dollars(b), { used: 0, reserved: 0, limit: null, reservedTokens: 0 });
  });

  test('an output cap above the tokens held is a UsageError naming outputTokens', async () => {
    const b = new PostgresTokenBudget(db.pool, { config: { weeklyUsd: 1 }, now: freshWeek(), pricing: PRICING });
    await assert.rejects(b.reserve({ tokens: 10, outputTokens: 11, scopes: {}, purpose: 'x' }), (e: unknown) => e instanceof UsageError && e.message.includes('outputTokens'));
    await assert.rejects(b.reserve({ tokens: 10, outputTokens: -1, scopes: {}, purpose: 'x' }), (e: unknown) => e instanceof UsageError && e.message.includes('outputTokens'));
  });

  test('bad dollar caps in the budget config, the environment and campaign options name their key', () => {
    for (const [key, input] of [['weeklyUsd', { weeklyUsd: -0.01 }], ['repoUsd', { repoUsd: Number.POSITIVE_INFINITY }], ['languageUsd', { languageUsd: '5' }]] as const) {
      assert.throws(() => parseBudgetConfig(input), (e: unknown) => e instanceof UsageError && e.message.includes(key));
    }
    assert.equal(parseBudgetConfig({ weeklyUsd: 0.1234567 }).weeklyUsd, 0.123457, 'kept to the micro-dollar');
    assert.throws(() => loadConfig({ GLOBALLM_BUDGET_WEEKLY_USD: '-1' }), /GLOBALLM_BUDGET_WEEKLY_USD/);
    assert.throws(() => loadConfig({ GLOBALLM_BUDGET_REPO_USD: 'ten' }), /GLOBALLM_BUDGET_REPO_USD/);
    assert.deepEqual(parseBudgetConfig(budgetConfig(loadConfig({ GLOBALLM_BUDGET_WEEKLY_USD: '25', GLOBALLM_BUDGET_LANGUAGE_USD: '2.5' }))), {
      ...parseBudgetConfig({}), weeklyUsd: 25, languageUsd: 2.5,
    });
    assert.equal(parseBudgetConfig(budgetConfig(loadConfig({}))).weeklyUsd, undefined, 'no dollar cap unless set');
    for (const v of ['-1', 'abc', '1e9']) assert.throws(() => parseCampaignOptions({ usdBudget: v }), (e: unknown) => e instanceof UsageError && e.message.includes('usdBudget'));
    assert.equal(parseCampaignOptions({ usdBudget: '12.5' }).usdBudget, 12.5);
    assert.equal(parseCampaignOptions({}).usdBudget, undefined);
  });
});
