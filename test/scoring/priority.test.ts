import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { TriageItem } from '../../src/analysis/llm/schema.js';
import { ConsentConfig } from '../../src/contribute/consent/schema.js';
import { analyzeOffline } from '../../src/analysis/offline/analyzer.js';
import { loadShippedModel } from '../../src/analysis/offline/load-model.js';
import { CATEGORY_MULTIPLIERS, CRITICAL_BOOST, FALLBACK_SOLVABILITY, IssueCategory, MAX_CATEGORY_MULTIPLIER } from '../../src/scoring/categories.js';
import { computePriority, type PriorityInput } from '../../src/scoring/priority.js';
import { computeOutcomes, NO_HISTORY } from '../../src/scoring/outcomes.js';
import { DEFAULT_PRIORITY_WEIGHTS, parsePriorityWeights } from '../../src/scoring/schema.js';
import { computeUrgency } from '../../src/scoring/urgency.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const eng = (e: number): number => Math.log(1 + e) / Math.log(1 + Math.max(e, 50));

const issue = (o: Partial<PriorityInput> = {}): PriorityInput => ({
  repoHealth: 0.8, repoImpact: 0.6, solvability: 0.7, complexity: 4, category: 'bug', critical: false,
  createdAt: daysAgo(73), comments: 6, reactions: 8, ...o,
});

describe('categories: one list', () => {
  test('every category an analyzer can emit has its multiplier and fallback solvability', () => {
    const emitted = new Set<string>([...IssueCategory.options]);
    const item = { ref: 1, crit: false, cx: 3, solv: 5, files: [], risk: 'low', test: false, conf: 5, why: 'x' };
    for (const c of IssueCategory.options) assert.ok(TriageItem.safeParse({ ...item, cat: c }).success, `LLM schema accepts ${c}`);
    for (const c of emitted) {
      assert.equal(typeof CATEGORY_MULTIPLIERS[c as IssueCategory], 'number', `multiplier for ${c}`);
      assert.equal(typeof FALLBACK_SOLVABILITY[c as IssueCategory], 'number', `solvability for ${c}`);
    }
    assert.deepEqual(Object.keys(CATEGORY_MULTIPLIERS).sort(), [...IssueCategory.options].sort());
    assert.deepEqual(ConsentConfig.shape.categories.unwrap().element.options, IssueCategory.options, 'the consent allow-list takes the same names');
  });

  test('the offline analyzer emits only listed categories, critical as a flag', async () => {
    const model = await loadShippedModel();
    const titles = ['SQL injection in login form', 'Typo in README', 'Crash on empty input', 'Bump the dependency on left-pad', 'Build fails on Windows', 'Slow startup', 'Flaky unit tests'];
    for (const title of titles) {
      const a = analyzeOffline(model, { title, body: '' });
      assert.ok(IssueCategory.safeParse(a.category).success, `${title}: ${a.category}`);
      assert.equal(typeof a.critical, 'boolean');
    }
    assert.equal(analyzeOffline(model, { title: 'SQL injection in login form', body: '' }).category, 'security');
  });

  test('unknown categories from a model are rejected by the schema, not mapped to other', () => {
    const item = { ref: 1, crit: true, cx: 3, solv: 5, files: [], risk: 'low', test: false, conf: 5, why: 'x' };
    for (const cat of ['critical_security', 'critical_bug', 'tests', 'banana', '', 'OTHER']) {
      assert.equal(TriageItem.safeParse({ ...item, cat }).success, false, cat);
    }
  });
});

describe('priority', () => {
  test('the documented formula, term by term', () => {
    const p = computePriority(issue(), NOW);
    const H = 0.7 * 0.8 + 0.3 * (1 - 4 / 10);
    const U = 0.6 * (73 / 365) + 0.4 * eng(6 + 0.5 * 8);
    const C = 3 / MAX_CATEGORY_MULTIPLIER;
    close(p.health.total, H);
    close(p.urgency.total, U);
    close(p.importance.total, C);
    close(p.outcomes.total, 0.5);
    close(p.total, 1.0 * H + 2.0 * 0.6 + 1.5 * 0.7 + 0.5 * U + 2.0 * C + 1.0 * 0.5);
    assert.equal(p.max, 8);
    for (const t of p.terms) close(t.contribution, t.normalised * t.weight);
    assert.deepEqual(p.terms.map((t) => t.key), ['health', 'impact', 'solvability', 'urgency', 'importance', 'outcomes']);
  });

  test('custom weights change only the weighting', () => {
    const w = { health: 0, impact: 1, solvability: 0, urgency: 0, importance: 0, outcomes: 0 };
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

  test('critical is a boost of its category, a critical security issue the most important', () => {
    close(computePriority(issue({ category: 'bug', critical: true }), NOW).importance.total, (3 * CRITICAL_BOOST) / MAX_CATEGORY_MULTIPLIER);
    close(computePriority(issue({ category: 'security', critical: true }), NOW).importance.total, 1);
    for (const c of IssueCategory.options) {
      const plain = computePriority(issue({ category: c }), NOW).importance.total;
      close(plain, CATEGORY_MULTIPLIERS[c] / MAX_CATEGORY_MULTIPLIER);
      assert.ok(plain > 0 && plain <= 0.5, c);
    }
  });

  test('hostile numbers stay finite and in range', () => {
    const p = computePriority(issue({ repoHealth: Number.NaN, repoImpact: 9, solvability: -2, complexity: Number.POSITIVE_INFINITY, comments: -5, reactions: Number.NaN, createdAt: 'garbage',
      outcomes: { repository: { merged: -3, closed: Number.NaN }, category: { merged: Infinity, closed: 2 } } }), NOW);
    assert.ok(Number.isFinite(p.total));
    assert.ok(p.total >= 0 && p.total <= p.max);
    assert.equal(p.terms.find((t) => t.key === 'impact')?.normalised, 1);
    assert.equal(p.terms.find((t) => t.key === 'solvability')?.normalised, 0);
  });

  test('a critical security issue the offline analyzer finds hard outranks an easy typo, all else equal', () => {
    const sec = computePriority(issue({ category: 'security', critical: true, solvability: 0.3, complexity: 6 }), NOW).total;
    const typo = computePriority(issue({ category: 'documentation', solvability: 0.9, complexity: 1 }), NOW).total;
    assert.ok(sec > typo, `${sec} > ${typo}`);
  });
});

describe('outcomes', () => {
  test('no history is neutral; merged PRs raise it, rejected ones lower it', () => {
    close(computeOutcomes(NO_HISTORY).total, 0.5);
    close(computeOutcomes({ repository: { merged: 3, closed: 0 }, category: { merged: 0, closed: 0 } }).total, 0.5 * (4 / 5) + 0.5 * 0.5);
    close(computeOutcomes({ repository: { merged: 0, closed: 2 }, category: { merged: 1, closed: 1 } }).total, 0.5 * (1 / 4) + 0.5 * (2 / 4));
  });
  test('a repository that merges our PRs ranks above one that closes them', () => {
    const liked = computePriority(issue({ outcomes: { repository: { merged: 4, closed: 0 }, category: { merged: 0, closed: 0 } } }), NOW).total;
    const disliked = computePriority(issue({ outcomes: { repository: { merged: 0, closed: 4 }, category: { merged: 0, closed: 0 } } }), NOW).total;
    assert.ok(liked > disliked);
  });
});

describe('urgency', () => {
  test('age saturates at a year; engagement is log-scaled with cap 50', () => {
    close(computeUrgency({ ageDays: 5000, comments: 0, reactions: 0 }).terms[0]?.normalised ?? -1, 1);
    close(computeUrgency({ ageDays: 0, comments: 40, reactions: 20 }).terms[1]?.normalised ?? -1, 1);
    close(computeUrgency({ ageDays: 0, comments: 4, reactions: 2 }).terms[1]?.normalised ?? -1, eng(5));
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
      [{ outcomes: -0.5 }, /outcomes/],
      [{ speed: 1 }, /speed/],
      [{ health: 0, impact: 0, solvability: 0, urgency: 0, importance: 0, outcomes: 0 }, /at least one weight/],
      ['heavy', /weights/],
    ];
    for (const [input, re] of cases) {
      assert.throws(() => parsePriorityWeights(input), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(input));
    }
  });
});
