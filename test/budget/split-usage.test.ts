import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apportion, splitUsage } from '../../src/budget/split-usage.js';

test('apportion: whole parts proportional to the weights that add up to the total exactly', () => {
  assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(apportion(7, [3, 1]), [5, 2]);
  assert.deepEqual(apportion(0, [2, 5]), [0, 0]);
  for (const [total, weights] of [[1001, [1, 2, 3, 4]], [1, [5, 5]], [999_999, [7, 11, 13]]] as const) {
    assert.equal(apportion(total, weights).reduce((a, n) => a + n, 0), total);
  }
});

test('apportion: no weights gives no parts; weights that add up to nothing give the whole to the first', () => {
  assert.deepEqual(apportion(5, []), []);
  assert.deepEqual(apportion(5, [0, 0]), [5, 0]);
});

test('splitUsage: each field split on its own, the parts summing to the call', () => {
  const parts = splitUsage({ inputTokens: 101, outputTokens: 50, cacheReadTokens: 3, cacheWriteTokens: 0 }, [2, 1]);
  assert.deepEqual(parts, [
    { inputTokens: 67, outputTokens: 33, cacheReadTokens: 2, cacheWriteTokens: 0 },
    { inputTokens: 34, outputTokens: 17, cacheReadTokens: 1, cacheWriteTokens: 0 },
  ]);
});
