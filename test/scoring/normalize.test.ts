import { test } from 'node:test';
import assert from 'node:assert/strict';
import { busFactor, clamp01, daysSince, isBotAuthor, logScale, median } from '../../src/scoring/normalize.js';

test('logScale follows the criticality-score formula', () => {
  assert.equal(logScale(0, 100), 0);
  assert.equal(logScale(100, 100), 1);
  assert.equal(logScale(1e6, 100), 1);
  assert.equal(logScale(9, 99), Math.log(10) / Math.log(100));
  assert.equal(logScale(-5, 100), 0);
  assert.equal(logScale(Number.NaN, 100), 0);
  assert.throws(() => logScale(1, 0), RangeError);
});

test('busFactor: fewest authors making half the commits', () => {
  assert.equal(busFactor({}), 0);
  assert.equal(busFactor({ a: 10 }), 1);
  assert.equal(busFactor({ a: 5, b: 5 }), 1);
  assert.equal(busFactor({ a: 4, b: 3, c: 3 }), 2);
  assert.equal(busFactor({ a: 1, b: 1, c: 1, d: 1, e: 1 }), 3);
  assert.equal(busFactor({ a: 0, b: 0 }), 0);
});

test('median, clamp01, daysSince, bots', () => {
  assert.equal(median([]), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(clamp01(Number.NaN), 0);
  assert.equal(clamp01(Infinity), 1);
  assert.equal(clamp01(-1), 0);
  const now = new Date('2026-01-11T00:00:00Z');
  assert.equal(daysSince('2026-01-01T00:00:00Z', now), 10);
  assert.equal(daysSince('2027-01-01T00:00:00Z', now), 0);
  assert.equal(daysSince('not a date', now), null);
  assert.equal(daysSince(null, now), null);
  for (const b of ['dependabot[bot]', 'github-actions', 'renovate-bot', 'pre-commit-ci[bot]']) assert.equal(isBotAuthor(b), true, b);
  for (const h of ['alice', 'bottle', 'robotics-dev']) assert.equal(isBotAuthor(h), false, h);
});
