import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECONDARY_DEFAULT_WAIT_MS, holdOff, readQuota, resourceOf } from '../../../src/forge/github/quota-headers.js';
import { CONSERVATIVE_INTERVAL_MS, QUOTA_RESERVE, observe, pickAccount, takeUnit, type QuotaState } from '../../../src/forge/github/quota-pacer.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const reset = String(Math.floor(now / 1000) + 1800);

describe('quota headers', () => {
  test('remaining and reset are read from a well-formed response', () => {
    assert.deepEqual(readQuota({ 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' }, now), { kind: 'quota', remaining: 4999, resetAt: Number(reset) * 1000 });
    assert.deepEqual(readQuota({ 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': Number(reset) }, now), { kind: 'quota', remaining: 0, resetAt: Number(reset) * 1000 });
  });

  test('missing, malformed and contradictory headers are unusable, saying why', () => {
    const bad: Array<Record<string, string>> = [
      {},
      { 'x-ratelimit-remaining': '10' },
      { 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': reset },
      { 'x-ratelimit-remaining': '-1', 'x-ratelimit-reset': reset },
      { 'x-ratelimit-remaining': '1.5', 'x-ratelimit-reset': reset },
      { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': 'tomorrow' },
      { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': String(Math.floor(now / 1000) + 86_400) },
      { 'x-ratelimit-remaining': '6000', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' },
      { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': 'many' },
    ];
    for (const h of bad) {
      const r = readQuota(h, now);
      assert.equal(r.kind, 'unusable', JSON.stringify(h));
      assert.ok(r.kind === 'unusable' && r.why.length > 0);
    }
  });

  test('retry-after in seconds or as a date is honoured; nonsense is not; a secondary limit without one waits a minute', () => {
    assert.equal(holdOff(403, { 'retry-after': '30' }, '', now), 30_000);
    assert.equal(holdOff(429, { 'retry-after': new Date(now + 90_000).toUTCString() }, '', now), 90_000);
    assert.equal(holdOff(200, {}, '', now), 0);
    assert.equal(holdOff(403, {}, 'API rate limit exceeded for user ID 1.', now), 0);
    assert.equal(holdOff(403, {}, 'You have exceeded a secondary rate limit.', now), SECONDARY_DEFAULT_WAIT_MS);
    assert.equal(holdOff(403, { 'retry-after': 'soon' }, 'You have exceeded a secondary rate limit.', now), SECONDARY_DEFAULT_WAIT_MS);
    assert.equal(holdOff(200, { 'retry-after': '-5' }, '', now), 0);
    assert.equal(holdOff(200, { 'retry-after': '999999' }, '', now), 0);
  });

  test('requests are counted in the bucket their URL names', () => {
    assert.equal(resourceOf('https://api.github.com/repos/a/b'), 'core');
    assert.equal(resourceOf('/search/repositories?q=x'), 'search');
    assert.equal(resourceOf('https://ghe.example/api/v3/search/issues'), 'search');
    assert.equal(resourceOf('https://api.github.com/graphql'), 'graphql');
    assert.equal(resourceOf('/repos/a/graphql-tools'), 'core');
  });
});

describe('quota arithmetic', () => {
  const known: QuotaState = { remaining: 2, resetAt: now + 60_000, notBefore: 0 };

  test('a known quota is spent one unit a request, then waits for its reset', () => {
    const a = takeUnit(known, 'core', now);
    assert.ok('next' in a && a.next.remaining === 1);
    const b = 'next' in a ? takeUnit(a.next, 'core', now) : a;
    assert.ok('next' in b && b.next.remaining === 0);
    const c = 'next' in b ? takeUnit(b.next, 'core', now) : b;
    assert.deepEqual(c, { waitMs: 60_000 });
  });

  test('a GraphQL query takes its cost in points, and waits for the reset when that would go below the reserve', () => {
    const left = { remaining: 50, resetAt: now + 1000, notBefore: 0 };
    assert.deepEqual(takeUnit(left, 'graphql', now, 30), { next: { ...left, remaining: 20 } });
    assert.deepEqual(takeUnit(left, 'graphql', now, 50 - QUOTA_RESERVE.graphql), { next: { ...left, remaining: QUOTA_RESERVE.graphql } });
    assert.deepEqual(takeUnit(left, 'graphql', now, 51 - QUOTA_RESERVE.graphql), { waitMs: 1000 });
    // Of two tokens, the one whose points cover the query is taken.
    const pick = pickAccount([{ remaining: 10, resetAt: now + 500, notBefore: 0 }, left], 'graphql', now, 20);
    assert.deepEqual(pick, { index: 1, next: { ...left, remaining: 30 } });
  });

  test('an unknown quota, or a passed window, goes at the conservative pace', () => {
    const a = takeUnit({ remaining: null, resetAt: null, notBefore: 0 }, 'core', now);
    assert.deepEqual(a, { next: { remaining: null, resetAt: null, notBefore: now + CONSERVATIVE_INTERVAL_MS } });
    assert.deepEqual(takeUnit({ remaining: 0, resetAt: now - 1, notBefore: 0 }, 'core', now), a);
    assert.deepEqual(takeUnit({ remaining: null, resetAt: null, notBefore: now + 400 }, 'core', now), { waitMs: 400 });
  });

  test('a response lowers what is left, never raises it within a window; a new window replaces it', () => {
    assert.equal(observe(known, { kind: 'quota', remaining: 5, resetAt: now + 60_000 }, 0, now).remaining, 2);
    assert.equal(observe(known, { kind: 'quota', remaining: 1, resetAt: now + 60_000 }, 0, now).remaining, 1);
    assert.equal(observe(known, { kind: 'quota', remaining: 5000, resetAt: now + 3_600_000 }, 0, now).remaining, 5000);
  });

  test('retry-after pauses every request; unusable headers make the quota unknown and pace it', () => {
    assert.equal(observe(known, { kind: 'quota', remaining: 1, resetAt: now + 60_000 }, 30_000, now).notBefore, now + 30_000);
    assert.deepEqual(observe(known, { kind: 'unusable', why: 'x' }, 0, now), { remaining: null, resetAt: null, notBefore: now + CONSERVATIVE_INTERVAL_MS });
  });
});
