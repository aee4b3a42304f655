import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTokenBudget } from '../../src/budget/memory-budget.js';
import { BudgetExhausted } from '../../src/errors.js';

const usage = (n: number): { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number } =>
  ({ inputTokens: n, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

describe('MemoryTokenBudget', () => {
  test('holds count against the cap until settled or released', async () => {
    const b = new MemoryTokenBudget(1000);
    const r1 = await b.reserve({ tokens: 600, scopes: {}, purpose: 't' });
    await assert.rejects(b.reserve({ tokens: 500, scopes: {}, purpose: 't' }), BudgetExhausted);
    await b.settle(r1.id, usage(200));
    const r2 = await b.reserve({ tokens: 800, scopes: {}, purpose: 't' });
    await b.release(r2.id);
    assert.deepEqual(b.totals(), { cap: 1000, charged: 200, held: 0, settled: 1, released: 1 });
  });

  test('settle and release are idempotent; a settled hold is not released or charged twice', async () => {
    const b = new MemoryTokenBudget(1000);
    const r = await b.reserve({ tokens: 100, scopes: {}, purpose: 't' });
    await b.settle(r.id, { inputTokens: 10, outputTokens: 5, cacheReadTokens: 3, cacheWriteTokens: 2 });
    await b.settle(r.id, usage(500));
    await b.release(r.id);
    assert.equal(b.totals().charged, 20);
    assert.equal(b.totals().released, 0);
    await assert.rejects(b.settle('nope', usage(1)), RangeError);
  });

  test('per-scope caps apply to reservations naming that scope only', async () => {
    const b = new MemoryTokenBudget(10_000, { 'repo:octo/app': 100 });
    await assert.rejects(b.reserve({ tokens: 101, scopes: { repo: 'octo/app' }, purpose: 't' }), /repo:octo\/app/);
    await b.reserve({ tokens: 101, scopes: { repo: 'octo/other' }, purpose: 't' });
    await assert.rejects(b.reserve({ tokens: -1, scopes: {}, purpose: 't' }), RangeError);
    assert.throws(() => new MemoryTokenBudget(-5), RangeError);
  });
});
