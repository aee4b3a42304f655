import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { canonicalLanguage, DOMAIN_NAMES, DOMAINS, LANGUAGES, parseDiscoveryQuery } from '../../src/discovery/domains.js';
import { NON_PROGRAMMING_LANGUAGES } from '../../src/discovery/filters/language.js';

describe('domains', () => {
  test('all eight domains exist, each with queries', () => {
    assert.deepEqual([...DOMAIN_NAMES].sort(), ['ai_ml', 'cloud_devops', 'data_science', 'games', 'mobile', 'overall', 'security', 'web_dev']);
    for (const d of DOMAIN_NAMES) assert.ok(DOMAINS[d].length > 0, d);
    assert.deepEqual(DOMAINS.overall, ['']);
  });
  test('no valid language is one the language filter would drop', () => {
    for (const l of LANGUAGES) assert.equal(NON_PROGRAMMING_LANGUAGES.has(l.toLowerCase()), false, l);
  });
});

describe('parseDiscoveryQuery', () => {
  test('defaults and canonical language names', () => {
    const q = parseDiscoveryQuery({ domain: 'ai_ml', language: 'python' });
    assert.deepEqual(q, { domain: 'ai_ml', language: 'Python', minStars: 100, pushedWithinDays: 365 });
    assert.equal(parseDiscoveryQuery({ domain: 'games', language: 'c++', topic: 'game-engine', minStars: 0, pushedWithinDays: 30 }).language, 'C++');
    assert.equal(canonicalLanguage('  TYPESCRIPT '), 'TypeScript');
  });
  test('unknown domain lists the valid ones', () => {
    assert.throws(() => parseDiscoveryQuery({ domain: 'blockchain' }), (e: unknown) =>
      e instanceof UsageError && /unknown domain/.test(e.message) && DOMAIN_NAMES.every((d) => e.message.includes(d)));
  });
  test('unknown language lists the valid ones', () => {
    assert.throws(() => parseDiscoveryQuery({ domain: 'overall', language: 'Markdown' }), (e: unknown) =>
      e instanceof UsageError && /unknown language "Markdown"/.test(e.message) && e.message.includes('Rust') && e.message.includes('Python'));
  });
  test('other bad input is a UsageError naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ domain: 'overall', minStars: -1 }, /minStars/],
      [{ domain: 'overall', minStars: 1.5 }, /minStars/],
      [{ domain: 'overall', pushedWithinDays: 0 }, /pushedWithinDays/],
      [{ domain: 'overall', topic: 'Bad Topic' }, /topic/],
      [{ domain: 'overall', topic: 'x'.repeat(51) }, /topic/],
      [{ domain: 'overall', extra: 1 }, /extra|unrecognized/i],
      [null, /query/],
    ];
    for (const [input, re] of cases) {
      assert.throws(() => parseDiscoveryQuery(input), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(input));
    }
  });
});
