import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costUsd, loadPrices, priceFor } from '../../src/pricing/prices.js';
import { pricingFor } from '../../src/pricing/for-config.js';
import { DEFAULT_PRICES } from '../../src/pricing/defaults.js';
import { DEFAULT_ANTHROPIC_MODEL } from '../../src/llm/anthropic.js';
import { DEFAULT_OPENAI_MODEL } from '../../src/llm/openai.js';
import { EnvConfig } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/load.js';
import { PostgresTokenBudget } from '../../src/budget/postgres-budget.js';
import { budgetShowHandler } from '../../src/cli/commands/budget.js';
import type { BudgetReport } from '../../src/budget/report.js';
import { UsageError } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const dir = mkdtempSync(join(tmpdir(), 'globallm-prices-'));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const usage = { inputTokens: 1_000_000, outputTokens: 200_000, cacheReadTokens: 500_000, cacheWriteTokens: 100_000 };

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); rmSync(dir, { recursive: true, force: true }); });

describe('the price table', () => {
  test('prices every model the configuration can name by default, dated', () => {
    const defaults = EnvConfig.parse({});
    for (const model of [defaults.GLOBALLM_ANTHROPIC_MODEL, defaults.GLOBALLM_OPENAI_MODEL, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL]) {
      assert.ok(priceFor(DEFAULT_PRICES, model), model);
    }
    assert.match(DEFAULT_PRICES.date, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('a call costs each kind of token at its price; dated model names take the undated price', () => {
    const price = priceFor(DEFAULT_PRICES, 'claude-haiku-4-5-20251001');
    assert.equal(costUsd(price, usage), 1 + 0.2 * 5 + 0.5 * 0.1 + 0.1 * 1.25);
    assert.deepEqual(priceFor(DEFAULT_PRICES, 'gpt-4o-mini-2024-07-18'), priceFor(DEFAULT_PRICES, 'gpt-4o-mini'));
    assert.equal(costUsd({ input: 2, output: 8 }, usage), 2 + 0.2 * 8 + 0.5 * 2 + 0.1 * 2, 'cache tokens default to the input price');
  });

  test('a JSON or TOML file overrides and extends the defaults', () => {
    const json = loadPrices(file('p.json', JSON.stringify({ date: '2026-01-15', models: { 'llama3.1': { input: 0, output: 0 }, 'gpt-4o-mini': { input: 1, output: 2 } } })));
    assert.equal(json.date, '2026-01-15');
    assert.deepEqual(json.models['gpt-4o-mini'], { input: 1, output: 2 });
    assert.deepEqual(json.models['llama3.1'], { input: 0, output: 0 });
    assert.deepEqual(json.models['claude-haiku-4-5'], DEFAULT_PRICES.models['claude-haiku-4-5']);
    const toml = loadPrices(file('p.toml', '[models."my-model"]\ninput = 0.5\noutput = 1.5\ncacheRead = 0.05\n'));
    assert.equal(toml.date, DEFAULT_PRICES.date);
    assert.deepEqual(toml.models['my-model'], { input: 0.5, output: 1.5, cacheRead: 0.05 });
  });

  test('a malformed file is a usage error naming the setting and the key', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['neg.json', JSON.stringify({ models: { 'gpt-4o': { input: -1, output: 2 } } }), /GLOBALLM_PRICES_FILE=.*models\.gpt-4o\.input/],
      ['missing.json', JSON.stringify({ models: { 'gpt-4o': { input: 1 } } }), /models\.gpt-4o\.output/],
      ['typo.json', JSON.stringify({ models: { 'gpt-4o': { input: 1, output: 2, cache_read: 1 } } }), /models\.gpt-4o\.cache_read/],
      ['date.json', JSON.stringify({ date: 'yesterday' }), /date:/],
      ['text.json', JSON.stringify({ models: { x: { input: '1', output: 2 } } }), /models\.x\.input/],
      ['broken.json', '{"models": ', /not valid JSON/],
      ['broken.toml', '[models.x\ninput = 1', /not valid TOML/],
    ];
    for (const [name, text, why] of cases) {
      assert.throws(() => loadPrices(file(name, text)), (err: unknown) => err instanceof UsageError && why.test(err.message), name);
    }
    assert.throws(() => loadPrices(join(dir, 'absent.json')), /GLOBALLM_PRICES_FILE=.*absent\.json: cannot read it \(ENOENT\)/);
  });

  test('an unknown model is a usage error naming the key to add', () => {
    assert.throws(() => priceFor(DEFAULT_PRICES, 'mystery-model-2'), (err: unknown) => err instanceof UsageError && /no price for model "mystery-model-2": add models\."mystery-model-2"/.test(err.message));
    const config = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', GLOBALLM_OPENAI_MODEL: 'llama3.1' });
    assert.throws(() => pricingFor(config), /models\."llama3\.1"/);
    const priced = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', GLOBALLM_OPENAI_MODEL: 'llama3.1', GLOBALLM_PRICES_FILE: file('local.json', JSON.stringify({ models: { 'llama3.1': { input: 0, output: 0 } } })) });
    assert.deepEqual(pricingFor(priced), { model: 'llama3.1', price: { input: 0, output: 0 } });
    assert.equal(pricingFor(loadConfig({})), undefined, 'no model configured: nothing to price');
  });
});

describe('the cost of every call', () => {
  test('is recorded when its reservation settles and shown per scope in budget show', async () => {
    const now = new Date('2026-03-04T10:00:00Z');
    const pricing = { model: 'claude-haiku-4-5', price: priceFor(DEFAULT_PRICES, 'claude-haiku-4-5') };
    const b = new PostgresTokenBudget(db.pool, { config: { repoTokens: 5_000_000 }, now: () => now, pricing });
    const r = await b.reserve({ tokens: 4_000_000, scopes: { repo: 'acme/widget', language: 'go' }, purpose: 'fix' });
    await b.settle(r.id, usage);
    await b.settle(r.id, usage); // a retried settle charges once
    const row = await db.pool.query<{ model: string; cost_usd: string }>('SELECT model, cost_usd FROM budget_reservations WHERE id = $1', [r.id]);
    assert.deepEqual(row.rows[0], { model: 'claude-haiku-4-5', cost_usd: '2.175000' });
    const report = JSON.parse(await budgetShowHandler(db.pool, { json: true, now })) as BudgetReport;
    assert.equal(report.week.usedUsd, 2.175);
    assert.equal(report.repositories[0]?.usedUsd, 2.175);
    assert.equal(report.languages[0]?.usedUsd, 2.175);
    assert.match(await budgetShowHandler(db.pool, { now }), /acme\/widget .* \$2\.1750/);
  });

  test('without a configured model the tokens are charged and the cost stays unknown', async () => {
    const now = new Date('2026-04-08T10:00:00Z');
    const b = new PostgresTokenBudget(db.pool, { now: () => now });
    const r = await b.reserve({ tokens: 100, scopes: {}, purpose: 'analyze' });
    await b.settle(r.id, { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const row = await db.pool.query<{ model: string | null; cost_usd: string | null }>('SELECT model, cost_usd FROM budget_reservations WHERE id = $1', [r.id]);
    assert.deepEqual(row.rows[0], { model: null, cost_usd: null });
  });
});
