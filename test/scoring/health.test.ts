import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHealth, HEALTH_WEIGHTS } from '../../src/scoring/health.js';
import { archived, emptyNew, NOW, numpyLike, repo } from '../helpers/repo-signals.js';

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);
const termOf = (h: ReturnType<typeof computeHealth>, key: string) => {
  const t = h.terms.find((x) => x.key === key);
  assert.ok(t, key);
  return t;
};

describe('health', () => {
  test('weights sum to 1 and every term appears in the breakdown', () => {
    close(Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0), 1);
    const h = computeHealth(numpyLike, NOW);
    assert.deepEqual(h.terms.map((t) => t.key).sort(), Object.keys(HEALTH_WEIGHTS).sort());
    for (const t of h.terms) close(t.contribution, t.normalised * t.weight);
    close(h.total, h.terms.reduce((s, t) => s + t.contribution, 0));
  });

  test('a busy, well-run library scores high', () => {
    const h = computeHealth(numpyLike, NOW);
    // 120 commits ≥ 13 → 1; 180/200 closed; median 5 days → 30/35; CI 1; 4 authors → 1; bus factor 2 → 2/3; release 30 days → 1
    const expected = 0.25 + 0.1 * 0.9 + 0.1 * (30 / 35) + 0.2 + 0.1 + 0.1 * (2 / 3) + 0.15;
    close(h.total, expected);
    assert.equal(termOf(h, 'busFactor').raw, 2);
  });

  test('an empty new repository scores 0 with reasons, never NaN', () => {
    const h = computeHealth(emptyNew, NOW);
    assert.equal(h.total, 0);
    for (const t of h.terms) assert.ok(Number.isFinite(t.normalised) && Number.isFinite(t.contribution), t.key);
    assert.match(termOf(h, 'velocity').note, /too new/);
    assert.match(termOf(h, 'issueClosure').note, /no issues/);
    assert.match(termOf(h, 'releaseRecency').note, /no GitHub release/);
    assert.equal(h.notes.length, 1);
  });

  test('archived and disabled repositories score 0 but keep their breakdown', () => {
    const h = computeHealth(archived, NOW);
    assert.equal(h.total, 0);
    assert.ok(h.terms.some((t) => t.contribution > 0));
    assert.match(h.notes[0] ?? '', /archived/);
    assert.equal(computeHealth(repo({ isDisabled: true }), NOW).total, 0);
  });

  test('velocity saturates at 13 commits and is linear below', () => {
    assert.equal(termOf(computeHealth(repo({ commitsLast90d: 13 }), NOW), 'velocity').normalised, 1);
    close(termOf(computeHealth(repo({ commitsLast90d: 6 }), NOW), 'velocity').normalised, 6 / 13);
    assert.equal(termOf(computeHealth(repo({ commitsLast90d: 0 }), NOW), 'velocity').normalised, 0);
  });

  test('CI: workflows and check state each give half', () => {
    const ci = (hasWorkflows: boolean, state: 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ERROR' | null) =>
      termOf(computeHealth(repo({ hasWorkflows, defaultBranchCheckState: state }), NOW), 'ci').normalised;
    assert.equal(ci(true, 'SUCCESS'), 1);
    assert.equal(ci(true, 'FAILURE'), 0.5);
    assert.equal(ci(true, 'PENDING'), 0.75);
    assert.equal(ci(false, 'SUCCESS'), 0.5);
    assert.equal(ci(false, 'ERROR'), 0);
    assert.equal(ci(false, null), 0);
  });

  test('bots do not count as contributors', () => {
    const h = computeHealth(repo({ commitAuthorsLast90d: { 'dependabot[bot]': 50, 'renovate-bot': 20, alice: 10 } }), NOW);
    assert.equal(termOf(h, 'contributors').raw, 1);
    assert.equal(termOf(h, 'busFactor').raw, 1);
  });

  test('release recency: full within 180 days, 0 after 730, linear between', () => {
    const at = (days: number) => termOf(computeHealth(repo({ latestReleaseAt: new Date(NOW.getTime() - days * 86_400_000).toISOString() }), NOW), 'releaseRecency').normalised;
    assert.equal(at(100), 1);
    close(at(455), 0.5);
    assert.equal(at(1000), 0);
  });

  test('a release date in the future counts as fresh, not above 1', () => {
    const h = computeHealth(repo({ latestReleaseAt: '2027-01-01T00:00:00Z' }), NOW);
    assert.equal(termOf(h, 'releaseRecency').normalised, 1);
    assert.ok(h.total <= 1);
  });

  test('is deterministic: the same input and now give the same output', () => {
    assert.deepEqual(computeHealth(numpyLike, NOW), computeHealth(numpyLike, new Date(NOW)));
  });
});
