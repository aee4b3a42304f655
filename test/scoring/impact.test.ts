import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeImpact, IMPACT_CAPS, IMPACT_WEIGHTS } from '../../src/scoring/impact.js';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);
const lg = (s: number, cap: number): number => Math.log(1 + s) / Math.log(1 + Math.max(s, cap));

describe('impact', () => {
  test('weights sum to 1', () => close(Object.values(IMPACT_WEIGHTS).reduce((a, b) => a + b, 0), 1));

  test('all signals known: weighted sum of log-scaled values', () => {
    const i = computeImpact({ stars: 5000, dependents: 200, forks: 800, watchers: 150, centrality: 0.4 });
    const expected = 0.3 * lg(5000, IMPACT_CAPS.stars) + 0.3 * lg(200, IMPACT_CAPS.dependents) + 0.2 * 0.4 + 0.1 * lg(800, IMPACT_CAPS.forks) + 0.1 * lg(150, IMPACT_CAPS.watchers);
    close(i.total, expected);
    assert.deepEqual(i.notes, []);
  });

  test('signals at or beyond their caps give 1', () => {
    const i = computeImpact({ stars: 200_000, dependents: 5000, forks: 10_000, watchers: 9000, centrality: 1 });
    close(i.total, 1);
  });

  test('unknown dependents: weight shared among the rest, row says unknown', () => {
    const i = computeImpact({ stars: 50_000, forks: 10_000, watchers: 5000, centrality: 1 });
    const dep = i.terms.find((t) => t.key === 'dependents');
    assert.deepEqual(dep && { raw: dep.raw, weight: dep.weight, note: dep.note }, { raw: null, weight: 0, note: 'unknown' });
    close(i.terms.reduce((s, t) => s + t.weight, 0), 1);
    close(i.terms.find((t) => t.key === 'stars')?.weight ?? 0, 0.3 / 0.7);
    close(i.total, 1);
    assert.match(i.notes[0] ?? '', /unknown: dependents/);
  });

  test('a closed-source repository with only centrality', () => {
    const i = computeImpact({ stars: null, forks: null, watchers: null, dependents: null, centrality: 0.5 });
    close(i.total, 0.5);
  });

  test('nothing known: 0, with a note, not NaN', () => {
    const i = computeImpact({});
    assert.equal(i.total, 0);
    assert.equal(i.notes[0], 'no impact signal known');
  });

  test('bad numbers do not leak NaN: NaN counts as unknown, negatives as 0', () => {
    const i = computeImpact({ stars: Number.NaN, dependents: -10, forks: 0, watchers: 0, centrality: 7 });
    assert.ok(Number.isFinite(i.total));
    assert.equal(i.terms.find((t) => t.key === 'stars')?.note, 'unknown');
    assert.equal(i.terms.find((t) => t.key === 'dependents')?.normalised, 0);
    assert.equal(i.terms.find((t) => t.key === 'centrality')?.normalised, 1);
  });

  test('more stars never lowers impact', () => {
    let prev = -1;
    for (const stars of [0, 1, 10, 100, 1000, 10_000, 50_000, 100_000]) {
      const t = computeImpact({ stars, forks: 10, watchers: 10 }).total;
      assert.ok(t >= prev);
      prev = t;
    }
  });
});
