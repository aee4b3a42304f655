import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimited, UsageError } from '../../src/errors.js';
import { PgWriteBudget, waitForRoom } from '../../src/budget/write-budget.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('waitForRoom (pure window arithmetic)', () => {
  const limits = { perMinute: 3, perHour: 5 };
  test('room when under both windows', () => {
    assert.equal(waitForRoom([], 1_000_000, limits), 0);
    assert.equal(waitForRoom([1_000_000 - 61_000, 1_000_000 - 1000, 1_000_000 - 500], 1_000_000, limits), 0);
  });
  test('minute window full: wait until the oldest leaves', () => {
    const now = 10_000_000;
    const w = waitForRoom([now - 50_000, now - 20_000, now - 10_000], now, limits);
    assert.ok(w > 10_000 && w <= 10_002, String(w));
  });
  test('hour window full: wait for the hour', () => {
    const now = 10_000_000;
    const times = [now - 3_000_000, now - 2_000_000, now - 1_000_000, now - 900_000, now - 800_000];
    const w = waitForRoom(times, now, limits);
    assert.ok(w > 590_000 && w <= 600_002, String(w));
  });
});

describe('PgWriteBudget (shared by every worker)', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('rejects nonsense limits', () => {
    assert.throws(() => new PgWriteBudget(db.pool, { account: 'a', limits: { perMinute: 0, perHour: 5 } }), UsageError);
    assert.throws(() => new PgWriteBudget(db.pool, { account: 'a', limits: { perMinute: 10, perHour: 5 } }), UsageError);
    assert.throws(() => new PgWriteBudget(db.pool, { account: ' ', limits: { perMinute: 1, perHour: 5 } }), UsageError);
  });

  test('concurrent acquirers never exceed the minute or the hour window', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const clock = (): Date => new Date(now);
    // Several budget objects (as on several machines) over one table and account.
    const budgets = Array.from({ length: 4 }, () => new PgWriteBudget(db.pool, { account: 'github:bot', limits: { perMinute: 8, perHour: 20 }, now: clock }));
    const burst = async (n: number): Promise<{ ok: number; limited: RateLimited[] }> => {
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => budgets[i % budgets.length]!.acquire(`w${i}`)));
      const limited = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])).map((e) => {
        assert.ok(e instanceof RateLimited, String(e));
        return e;
      });
      return { ok: results.filter((r) => r.status === 'fulfilled').length, limited };
    };
    const first = await burst(30);
    assert.equal(first.ok, 8);
    assert.ok(first.limited.every((e) => e.retryAfterMs > 0 && e.retryAfterMs <= 60_002));
    now += 61_000;
    assert.equal((await burst(30)).ok, 8);
    now += 61_000;
    const third = await burst(30);
    assert.equal(third.ok, 4, 'the hour window (20) caps the third minute');
    assert.ok(third.limited.every((e) => e.retryAfterMs > 60_000), 'the wait names the hour window');
    // Another account has its own budget.
    await new PgWriteBudget(db.pool, { account: 'github:other', limits: { perMinute: 8, perHour: 20 }, now: clock }).acquire('x');
    const rows = await db.pool.query<{ t: Date }>("SELECT taken_at AS t FROM write_budget_events WHERE account = 'github:bot' ORDER BY taken_at");
    const times = rows.rows.map((r) => r.t.getTime());
    assert.equal(times.length, 20);
    for (const t of times) {
      assert.ok(times.filter((x) => x > t - 60_000 && x <= t).length <= 8, 'minute window exceeded');
      assert.ok(times.filter((x) => x > t - 3_600_000 && x <= t).length <= 20, 'hour window exceeded');
    }
  });

  test('with the database clock, a full window throws RateLimited', async () => {
    const b = new PgWriteBudget(db.pool, { account: 'github:dbclock', limits: { perMinute: 2, perHour: 10 } });
    await b.acquire('a');
    await b.acquire('b');
    await assert.rejects(b.acquire('c'), (e: unknown) => e instanceof RateLimited && e.retryAfterMs > 0);
  });
});
