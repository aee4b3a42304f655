import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { CONSERVATIVE_INTERVAL_MS, PgQuotaPacer, quotaAccount } from '../../../src/forge/github/quota-pacer.js';
import { RateLimited } from '../../../src/errors.js';
import { twoPacedWorkersRead } from '../../helpers/paced-workers.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };
const isRateLimited = (max: number, min = 1) => (e: unknown): boolean => e instanceof RateLimited && e.retryAfterMs >= min && e.retryAfterMs <= max;

describe('GitHub requests paced by the quotas GitHub reports, shared through PostgreSQL', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('two workers on one token together spend the quota the stand-in grants and never exceed it', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 12 } });
    try {
      const { ok, paced, statuses } = await twoPacedWorkersRead(db.pool, gh.url, { token: 'token-a' }, 10, isRateLimited(3_600_000));
      assert.equal(ok, 12, 'every unit of the quota was used');
      assert.equal(paced, 8, 'the rest waited for the reset instead of being sent');
      assert.ok(statuses.every((s) => s === 200), `GitHub never answered a limit: ${statuses.join(',')}`);
      assert.equal(gh.limiterFor('token-a').view('core').remaining, 0);
    } finally {
      await gh.close();
    }
  });

  test('a secondary limit pauses every worker for its retry-after', async () => {
    const gh = await startGitHubStandIn({ limits: { secondaryRetryAfterSec: 45 }, faults: { rate: 1, kinds: ['abuse403'], seed: 1 } });
    try {
      const [a, b] = [0, 1].map(() => createGitHubClient({ baseUrl: gh.url, token: 'token-b', maxInlineWaitSeconds: 0, pacer: new PgQuotaPacer(db.pool, { maxInlineWaitMs: 2_000 }) }));
      await assert.rejects(a!.rest.repos.get(repo), (e: unknown) => (e as { status?: number }).status === 403);
      await assert.rejects(b!.rest.repos.get(repo), isRateLimited(45_000, 40_000));
      assert.equal(gh.faultLog.length, 1, 'the second worker sent nothing');
    } finally {
      await gh.close();
    }
  });

  test('a response without usable quota headers makes the next request wait the conservative pace, with a warning', async () => {
    const pacer = new PgQuotaPacer(db.pool, { maxInlineWaitMs: 0 });
    const account = ['no-headers'];
    await pacer.acquire('core', account);
    await pacer.record('no-headers', 'core', { kind: 'quota', remaining: 100, resetAt: Date.now() + 600_000 }, 0);
    await new Promise((r) => setTimeout(r, CONSERVATIVE_INTERVAL_MS + 50));
    await pacer.acquire('core', account);
    await pacer.record('no-headers', 'core', { kind: 'unusable', why: 'no x-ratelimit-remaining/reset headers' }, 0);
    await assert.rejects(pacer.acquire('core', account), isRateLimited(CONSERVATIVE_INTERVAL_MS));
    await new Promise((r) => setTimeout(r, CONSERVATIVE_INTERVAL_MS + 50));
    await pacer.acquire('core', account);
  });

  test('accounts are kept apart, and named without the token', () => {
    assert.notEqual(quotaAccount('token-a'), quotaAccount('token-b'));
    assert.ok(!quotaAccount('secret-value').includes('secret'));
    assert.equal(quotaAccount(undefined), 'anonymous');
  });
});
