import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { CATEGORY_MULTIPLIERS, FALLBACK_SOLVABILITY, IssueCategory, toCategory } from '../../src/scoring/categories.js';
import { computePriority, type PriorityInput } from '../../src/scoring/priority.js';
import { DEFAULT_PRIORITY_WEIGHTS, parsePriorityWeights } from '../../src/scoring/schema.js';
import { computeUrgency } from '../../src/scoring/urgency.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const eng = (e: number): number => Math.log(1 + e) / Math.log(1 + Math.max(e, 50));

const issue = (o: Partial<PriorityInput> = {}): PriorityInput => ({
  repoHealth: 0.8, repoImpact: 0.6, solvability: 0.7, complexity: 4, category: 'bug',
  createdAt: daysAgo(73), comments: 6, reactions: 8, ...o,
});

describe('priority', () => {
  test('the documented formula, term by term', () => {
    const p = computePriority(issue(), NOW);
    const H = 0.7 * 0.8 + 0.3 * (1 - 4 / 10);
    const U = 0.5 * (3 / 10) + 0.3 * (73 / 365) + 0.2 * eng(6 + 0.5 * 8);
    close(p.health.total, H);
    close(p.urgency.total, U);
    close(p.total, 1.0 * H + 2.0 * 0.6 + 1.5 * 0.7 + 0.5 * U);
    assert.equal(p.max, 5);
    for (const t of p.terms) close(t.contribution, t.normalised * t.weight);
    assert.deepEqual(p.terms.map((t) => t.key), ['health', 'impact', 'solvability', 'urgency']);
  });

  test('custom weights change only the weighting', () => {
    const w = { health: 0, impact: 1, solvability: 0, urgency: 0 };
    close(computePriority(issue(), NOW, w).total, 0.6);
  });

  test('unknown complexity: health is the repository health alone', () => {
    const p = computePriority(issue({ complexity: null }), NOW);
    close(p.health.total, 0.8);
    assert.equal(p.health.terms.find((t) => t.key === 'complexity')?.note, 'unknown: health alone');
  });

  test('complexity is clamped to 0–10', () => {
    close(computePriority(issue({ complexity: 50 }), NOW).health.total, 0.7 * 0.8);
    close(computePriority(issue({ complexity: -3 }), NOW).health.total, 0.7 * 0.8 + 0.3);
  });

  test('solvability falls back by category when not judged', () => {
    for (const c of IssueCategory.options) {
      const p = computePriority(issue({ solvability: null, category: c }), NOW);
      const s = p.terms.find((t) => t.key === 'solvability');
      assert.equal(s?.normalised, FALLBACK_SOLVABILITY[c], c);
      assert.match(s?.note ?? '', /fallback/);
    }
  });

  test('unknown category counts as other, with a note', () => {
    const p = computePriority(issue({ category: 'banana' }), NOW);
    assert.equal(p.urgency.terms[0]?.raw, 'other');
    assert.match(p.notes[0] ?? '', /banana/);
    assert.equal(toCategory(undefined), 'other');
  });

  test('hostile numbers stay finite and in range', () => {
    const p = computePriority(issue({ repoHealth: Number.NaN, repoImpact: 9, solvability: -2, complexity: Number.POSITIVE_INFINITY, comments: -5, reactions: Number.NaN, createdAt: 'garbage' }), NOW);
    assert.ok(Number.isFinite(p.total));
    assert.ok(p.total >= 0 && p.total <= p.max);
    assert.equal(p.terms.find((t) => t.key === 'impact')?.normalised, 1);
    assert.equal(p.terms.find((t) => t.key === 'solvability')?.normalised, 0);
  });

  test('a critical security issue outranks a style issue, all else equal', () => {
    const sec = computePriority(issue({ category: 'critical_security', solvability: 0.5 }), NOW).total;
    const style = computePriority(issue({ category: 'style', solvability: 0.5 }), NOW).total;
    assert.ok(sec > style);
  });
});

describe('urgency', () => {
  test('category multipliers normalised by the largest', () => {
    for (const c of IssueCategory.options) {
      const u = computeUrgency({ category: c, ageDays: 0, comments: 0, reactions: 0 });
      close(u.total, 0.5 * CATEGORY_MULTIPLIERS[c] / 10);
    }
  });
  test('age saturates at a year; engagement is log-scaled with cap 50', () => {
    close(computeUrgency({ category: 'style', ageDays: 5000, comments: 0, reactions: 0 }).terms[1]?.normalised ?? -1, 1);
    close(computeUrgency({ category: 'style', ageDays: 0, comments: 40, reactions: 20 }).terms[2]?.normalised ?? -1, 1);
    close(computeUrgency({ category: 'style', ageDays: 0, comments: 4, reactions: 2 }).terms[2]?.normalised ?? -1, eng(5));
  });
});

describe('PriorityWeights', () => {
  test('defaults fill missing keys', () => {
    assert.deepEqual(parsePriorityWeights({}), DEFAULT_PRIORITY_WEIGHTS);
    assert.deepEqual(parsePriorityWeights({ impact: 3 }), { ...DEFAULT_PRIORITY_WEIGHTS, impact: 3 });
  });
  test('negative, NaN, infinite, non-numeric and unknown keys are UsageErrors naming the key', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ health: -1 }, /health/],
      [{ urgency: Number.NaN }, /urgency/],
      [{ solvability: Infinity }, /solvability/],
      [{ impact: '2' }, /impact/],
      [{ speed: 1 }, /speed/],
      [{ health: 0, impact: 0, solvability: 0, urgency: 0 }, /at least one weight/],
      ['heavy', /weights/],
    ];
    for (const [input, re] of cases) {
      assert.throws(() => parsePriorityWeights(input), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(input));
    }
  });
});
