import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseSearchFor } from '../../src/discovery/base-search.js';
import type { BaseSearch } from '../../src/forge/types.js';
import { planSlices, sliceQuery, type Slice, type SliceSpec } from '../../src/forge/github/slicing.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A deterministic pseudo-random repository population with heavy-tailed stars. */
function population(n: number, seed: number): Array<{ stars: number; created: string }> {
  let x = seed;
  const rand = (): number => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const start = Date.parse('2008-01-01T00:00:00Z');
  const span = NOW.getTime() - start;
  return Array.from({ length: n }, () => ({
    stars: Math.floor(10 / Math.pow(rand() + 1e-6, 0.9)),
    created: new Date(start + Math.floor(rand() * span)).toISOString().slice(0, 10),
  }));
}

function matches(r: { stars: number; created: string }, spec: SliceSpec): boolean {
  if (r.stars < spec.stars.min || (spec.stars.max !== null && r.stars > spec.stars.max)) return false;
  if (spec.created !== null && (r.created < spec.created.from || r.created > spec.created.to)) return false;
  return true;
}

async function collect(base: BaseSearch, data: Array<{ stars: number; created: string }>, opts: { maxCountRequests?: number } = {}): Promise<{ slices: Slice[]; calls: number }> {
  let calls = 0;
  const slices: Slice[] = [];
  const count = (_q: string, spec: SliceSpec): Promise<number> => {
    calls += 1;
    return Promise.resolve(data.filter((r) => matches(r, spec)).length);
  };
  for await (const s of planSlices(base, count, { now: NOW, ...opts })) slices.push(s);
  return { slices, calls };
}

describe('planSlices', () => {
  test('covers every repository exactly once with slices of at most 1,000', async () => {
    const data = population(20_000, 7);
    const base: BaseSearch = { text: 'llm', minStars: 10 };
    const { slices } = await collect(base, data);
    const eligible = data.filter((r) => r.stars >= 10);
    for (const r of eligible) assert.equal(slices.filter((s) => matches(r, s)).length, 1, JSON.stringify(r));
    for (const s of slices) {
      assert.ok(s.complete, s.query);
      assert.ok(s.totalCount <= 1000 && s.totalCount > 0, `${s.query}: ${s.totalCount}`);
    }
    assert.equal(slices.reduce((n, s) => n + s.totalCount, 0), eligible.length);
    assert.ok(slices.some((s) => s.created !== null), 'a single star value needed date windows');
    for (let i = 1; i < slices.length; i++) assert.ok(slices[i - 1]!.stars.min >= slices[i]!.stars.min, 'most-starred slices first');
  });

  test('stopping after the first slices keeps the most-starred repositories', async () => {
    const data = population(20_000, 5);
    const { slices } = await collect({ text: '', minStars: 0 }, data);
    let taken = 0;
    const kept: Slice[] = [];
    for (const s of slices) {
      if (taken >= 1500) break;
      kept.push(s);
      taken += s.totalCount;
    }
    const floor = Math.min(...kept.map((s) => s.stars.min));
    const above = data.filter((r) => r.stars > floor).length;
    assert.ok(above <= taken, `every repository above ${floor} stars is in the first ${taken}`);
    assert.ok(slices.length > kept.length, 'the rest were never needed');
  });

  test('a small result set is one slice, one request', async () => {
    const data = population(500, 3);
    const { slices, calls } = await collect({ text: '', minStars: 0 }, data);
    assert.equal(calls, 1);
    assert.equal(slices.length, 1);
    assert.equal(slices[0]?.query, 'stars:>=0 archived:false fork:false sort:stars-desc');
  });

  test('no results: no slices', async () => {
    const { slices } = await collect({ text: 'x', minStars: 0 }, []);
    assert.deepEqual(slices, []);
  });

  test('more than 1,000 on one star value and one day is yielded as incomplete', async () => {
    const data = Array.from({ length: 1500 }, () => ({ stars: 42, created: '2020-02-02' }));
    const { slices } = await collect({ text: '', minStars: 0 }, data);
    const incomplete = slices.filter((s) => !s.complete);
    assert.equal(incomplete.length, 1);
    assert.deepEqual(incomplete[0]?.stars, { min: 42, max: 42 });
    assert.deepEqual(incomplete[0]?.created, { from: '2020-02-02', to: '2020-02-02' });
  });

  test('the count budget is honoured: remaining slices come back incomplete', async () => {
    const data = population(20_000, 11);
    const { slices, calls } = await collect({ text: '', minStars: 0 }, data, { maxCountRequests: 5 });
    assert.ok(calls <= 5, String(calls));
    assert.ok(slices.some((s) => !s.complete));
    assert.equal(slices.reduce((n, s) => n + s.totalCount, 0), data.length, 'still covers everything');
  });

  test('a count callback failure propagates to the caller', async () => {
    const it = planSlices({ text: '', minStars: 0 }, () => Promise.reject(new Error('search down')), { now: NOW });
    await assert.rejects(it.next(), /search down/);
  });
});

describe('sliceQuery', () => {
  test('GitHub qualifier syntax', () => {
    const base = baseSearchFor({ domain: 'ai_ml', language: 'Python', minStars: 1000, pushedWithinDays: 365, topic: 'llm' }, '"machine learning"', NOW);
    assert.equal(sliceQuery({ base, stars: { min: 1000, max: 1999 }, created: { from: '2020-01-01', to: '2020-12-31' } }),
      '"machine learning" stars:1000..1999 created:2020-01-01..2020-12-31 pushed:>=2025-06-01 language:python topic:llm archived:false fork:false sort:stars-desc');
    assert.equal(sliceQuery({ base: { text: '', minStars: 0 }, stars: { min: 7, max: 7 }, created: null }), 'stars:7 archived:false fork:false sort:stars-desc');
  });
  test('languages with spaces or symbols are quoted', () => {
    const q = (language: string): string => sliceQuery({ base: { text: '', minStars: 0, language }, stars: { min: 0, max: null }, created: null });
    assert.match(q('Common Lisp'), /language:"common lisp"/);
    assert.match(q('C++'), /language:c\+\+/);
    assert.match(q('Bad"Quote Name'), /language:"badquote name"/);
  });
});
