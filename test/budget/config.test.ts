import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { isoWeekStart } from '../../src/budget/period.js';
import { parseBudgetConfig } from '../../src/budget/schema.js';
import { normaliseLanguage, normaliseRepo, scopeKind, scopeNames } from '../../src/budget/scopes.js';

describe('parseBudgetConfig', () => {
  test('defaults from the design', () => {
    const c = parseBudgetConfig({});
    assert.equal(c.weeklyTokens, 5_000_000);
    assert.equal(c.repoTokens, 100_000);
    assert.equal(c.languageIssues, 50);
    assert.equal(c.languageTokens, c.weeklyTokens);
    assert.equal(parseBudgetConfig(undefined).weeklyTokens, 5_000_000);
  });

  test('overrides are kept', () => {
    const c = parseBudgetConfig({ weeklyTokens: 10, repoTokens: 5, languageTokens: 7, languageIssues: 0, reservationTtlSeconds: 60 });
    assert.deepEqual(c, { weeklyTokens: 10, repoTokens: 5, languageTokens: 7, languageIssues: 0, reservationTtlSeconds: 60 });
  });

  const bad: Array<[string, unknown]> = [
    ['weeklyTokens', { weeklyTokens: -1 }],
    ['repoTokens', { repoTokens: 1.5 }],
    ['languageIssues', { languageIssues: '50' }],
    ['languageTokens', { languageTokens: Number.NaN }],
    ['reservationTtlSeconds', { reservationTtlSeconds: 0 }],
    ['weeklyToken', { weeklyToken: 5 }],
  ];
  for (const [key, input] of bad) {
    test(`invalid ${key} is a UsageError naming it`, () => {
      assert.throws(() => parseBudgetConfig(input), (err: unknown) => err instanceof UsageError && err.message.includes(key));
    });
  }

  test('a non-object is a UsageError', () => {
    assert.throws(() => parseBudgetConfig(42), UsageError);
    assert.throws(() => parseBudgetConfig([1]), UsageError);
  });
});

describe('isoWeekStart', () => {
  test('Monday 00:00 UTC of the same ISO week', () => {
    assert.equal(isoWeekStart(new Date('2026-06-03T15:04:05Z')).toISOString(), '2026-06-01T00:00:00.000Z'); // Wednesday
    assert.equal(isoWeekStart(new Date('2026-06-01T00:00:00Z')).toISOString(), '2026-06-01T00:00:00.000Z'); // Monday midnight
    assert.equal(isoWeekStart(new Date('2026-06-07T23:59:59Z')).toISOString(), '2026-06-01T00:00:00.000Z'); // Sunday night
    assert.equal(isoWeekStart(new Date('2026-01-01T12:00:00Z')).toISOString(), '2025-12-29T00:00:00.000Z'); // across a year
  });
  test('rejects an invalid date', () => {
    assert.throws(() => isoWeekStart(new Date('nope')), RangeError);
  });
});

describe('scopes', () => {
  test('week always, repo and language when given, sorted and lower-cased', () => {
    assert.deepEqual(scopeNames({}), ['week']);
    assert.deepEqual(scopeNames({ repo: 'Owner/Repo.js', language: 'C++' }), ['language:c++', 'repo:owner/repo.js', 'week']);
  });
  test('malformed repositories and languages are UsageErrors', () => {
    for (const r of ['', 'owner', 'a/b/c', '../x', 'a/..', 'a b/c', 'a/b;drop']) assert.throws(() => normaliseRepo(r), UsageError, r);
    for (const l of ['', 'x'.repeat(61), 'py\nthon', 'a;b']) assert.throws(() => normaliseLanguage(l), UsageError, l);
    assert.equal(normaliseLanguage('  Jupyter   Notebook '), 'jupyter notebook');
  });
  test('scopeKind', () => {
    assert.equal(scopeKind('week'), 'week');
    assert.equal(scopeKind('repo:a/b'), 'repo');
    assert.equal(scopeKind('language:go'), 'language');
    assert.throws(() => scopeKind('month'), UsageError);
  });
});
