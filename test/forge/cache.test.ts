import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedForgeReader, ForgeCache } from '../../src/forge/cache.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FakeForge, signals } from '../helpers/fake-forge.js';

const T0 = new Date('2025-06-20T00:00:00Z');
const HOUR = 3_600_000;

describe('forge cache in PostgreSQL', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => db.drop());

  test('an entry is served until its TTL, then it really expires', async () => {
    const cache = new ForgeCache(db.pool, 2 * HOUR);
    await cache.set('k1', { a: 1 }, T0, 'W/"e"');
    assert.deepEqual(await cache.get('k1', new Date(T0.getTime() + HOUR)), { a: 1 });
    assert.equal(await cache.get('k1', new Date(T0.getTime() + 2 * HOUR)), undefined);
    assert.equal(await cache.purgeExpired(new Date(T0.getTime() + 3 * HOUR)), 1);
    assert.throws(() => new ForgeCache(db.pool, 0), RangeError);
  });

  test('the default TTL is 24 hours', () => {
    assert.equal(new ForgeCache(db.pool).ttlMs, 24 * HOUR);
  });

  test('signals and searches are fetched once within the TTL and again after it', async () => {
    const fake = new FakeForge({ lib: [signals('o', 'a'), signals('o', 'b'), signals('o', 'c')] });
    const forge = new CachedForgeReader(fake, new ForgeCache(db.pool, HOUR));
    const refs = [{ owner: 'o', name: 'a' }, { owner: 'o', name: 'b' }];
    await forge.repositorySignals(refs, T0);
    await forge.repositorySignals(refs, new Date(T0.getTime() + HOUR / 2));
    assert.equal(fake.signalCalls, 1);
    const partly = await forge.repositorySignals([...refs, { owner: 'o', name: 'c' }], new Date(T0.getTime() + HOUR / 2));
    assert.equal(partly.size, 3);
    assert.equal(fake.signalCalls, 2, 'only the missing one is fetched');
    await forge.repositorySignals(refs, new Date(T0.getTime() + HOUR + 1));
    assert.equal(fake.signalCalls, 3);

    const base = { text: 'lib', minStars: 0 };
    const drain = async (now: Date): Promise<string[]> => {
      const r = await forge.searchRepositories(base, { max: 2, now });
      const names: string[] = [];
      for await (const p of r.pages) { names.push(...p.refs.map((x) => x.name)); if (names.length >= 2) break; }
      return names;
    };
    assert.deepEqual(await drain(T0), ['a', 'b']);
    assert.deepEqual(await drain(new Date(T0.getTime() + 10)), ['a', 'b']);
    assert.equal(fake.searchCalls.length, 1, 'the second search came from the cache');
    await drain(new Date(T0.getTime() + 2 * HOUR));
    assert.equal(fake.searchCalls.length, 2);
  });
});
