import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { PgQuotaPacer } from '../../../src/forge/github/quota-pacer.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };

describe('the pacer on a stand-in whose quota hour is scaled down', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('two workers wait for each reported reset and spend three windows of quota without a refusal', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 5 }, hourMs: 6_000 });
    try {
      const statuses: number[] = [];
      const workers = [0, 1].map(() => {
        const octokit = createGitHubClient({ baseUrl: gh.url, token: 'scaled-token', pacer: new PgQuotaPacer(db.pool, { maxInlineWaitMs: 10_000 }) });
        octokit.hook.after('request', (r) => { statuses.push(r.status); });
        octokit.hook.error('request', (e) => { statuses.push((e as { status?: number }).status ?? -1); throw e; });
        return octokit;
      });
      const resets = new Set<string>();
      await Promise.all(workers.map(async (octokit) => {
        for (let i = 0; i < 6; i++) resets.add(String((await octokit.rest.repos.get(repo)).headers['x-ratelimit-reset']));
      }));
      assert.equal(statuses.length, 12);
      assert.ok(statuses.every((s) => s === 200), `GitHub never answered a limit: ${statuses.join(',')}`);
      assert.equal(gh.counters.primary_refused, 0);
      assert.ok(resets.size >= 3, `12 requests at 5 a window span at least three windows (saw ${resets.size})`);
    } finally {
      await gh.close();
    }
  });
});
