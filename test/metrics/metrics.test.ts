import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { runDoctor } from '../../src/stack/doctor.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import { MeteredTokenBudget } from '../../src/metrics/metered-budget.js';
import { createWorkerMetrics } from '../../src/metrics/registry.js';
import { DEFAULT_PRICES } from '../../src/pricing/defaults.js';
import { startTestWorkers } from '../helpers/workers.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';

let db: TestDatabase;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
before(async () => {
  db = await createTestDatabase();
  workers = await startTestWorkers(db.pool);
});
after(async () => { await workers.shutdown(); await db.drop(); });

const scrape = async (url: string): Promise<string> => {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return res.text();
};

/** A sample's value from Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('worker metrics', () => {
  test('each activity is timed by stage and outcome, next to the Temporal SDK\'s own metrics', async () => {
    const config = loadConfig({ GLOBALLM_TASK_QUEUE_PREFIX: workers.prefix });
    const report = await runDoctor(testTemporalAddress(), config, 30_000);
    assert.equal(report.ok, true, JSON.stringify(report));
    const text = await scrape(workers.metricsUrl);
    assert.equal(sample(text, 'globallm_stage_duration_seconds_count', { stage: 'doctorRoundTrip', outcome: 'ok' }), 1, text.split('\n').filter((l) => l.includes('stage_duration_seconds_count')).join('\n'));
    assert.match(text, /^temporal_\w+/m, 'the Temporal runtime metrics are included');
    assert.match(text, /^globallm_process_cpu_seconds_total /m);
    const missing = await fetch(workers.metricsUrl.replace('/metrics', '/other'));
    assert.equal(missing.status, 404);
  });

  test('tokens, dollars and budget holds are counted as the budget charges them', async () => {
    const metrics = createWorkerMetrics();
    const pricing = { model: 'gpt-4o-mini', price: DEFAULT_PRICES.models['gpt-4o-mini'] ?? { input: 0, output: 0 } };
    const budget = new MeteredTokenBudget(new PostgresTokenBudget(db.pool, { config: { weeklyTokens: 1_000_000, repoTokens: 1_000_000 }, pricing }), metrics, pricing);
    const a = await budget.reserve({ tokens: 900_000, scopes: { repo: 'acme/metered' }, purpose: 'test' });
    assert.equal((await metrics.budgetHeld.get()).values[0]?.value, 1);
    await assert.rejects(budget.reserve({ tokens: 200_000, scopes: { repo: 'acme/metered' }, purpose: 'test' }), /exhausted/);
    await budget.settle(a.id, { inputTokens: 100_000, outputTokens: 10_000, cacheReadTokens: 0, cacheWriteTokens: 0 });
    await budget.settle(a.id, { inputTokens: 100_000, outputTokens: 10_000, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const text = await metrics.registry.metrics();
    assert.equal(sample(text, 'globallm_budget_holds_total', { result: 'granted' }), 1);
    assert.equal(sample(text, 'globallm_budget_holds_total', { result: 'refused' }), 1);
    assert.equal(sample(text, 'globallm_budget_held', {}) ?? Number(/^globallm_budget_held (\S+)/m.exec(text)?.[1]), 0);
    assert.equal(sample(text, 'globallm_llm_tokens_total', { model: 'gpt-4o-mini', kind: 'input' }), 100_000, 'a retried settle counts once');
    assert.equal(sample(text, 'globallm_llm_tokens_total', { model: 'gpt-4o-mini', kind: 'output' }), 10_000);
    assert.ok(Math.abs((sample(text, 'globallm_llm_cost_usd_total', { model: 'gpt-4o-mini' }) ?? 0) - (0.1 * 0.15 + 0.01 * 0.6)) < 1e-9);
  });

  test('status --json lists the metrics URL of every polling worker', async () => {
    const r = await runCli(['status', '--json'], { DATABASE_URL: db.url, TEMPORAL_ADDRESS: testTemporalAddress(), GLOBALLM_TASK_QUEUE_PREFIX: workers.prefix });
    const status = JSON.parse(r.stdout) as { metrics: Array<{ identity: string; url: string }> };
    assert.deepEqual(status.metrics, [{ identity: workers.identity, url: workers.metricsUrl }], r.stderr);
  });
});
