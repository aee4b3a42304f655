import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { createForgeReader } from '../../../src/forge/registry.js';
import { quotaAccount } from '../../../src/forge/github/quota-pacer.js';
import { RateLimited } from '../../../src/errors.js';

const ref = { owner: 'pyfoundry', name: 'quickparse' };

describe('CLI commands that call GitHub share the workers\' quota pacing', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('a forge reader built with the database (as discover, score and repos build it) records and honours the quota', async () => {
    const gh = await startGitHubStandIn();
    try {
      const reader = createForgeReader({ kind: 'github', githubApiUrl: gh.url, githubToken: 'cli-token', pool: db.pool });
      await reader.openIssues(ref);
      const rows = await db.pool.query<{ resource: 'core' | 'graphql'; remaining: number }>('SELECT resource, remaining FROM github_quota WHERE account = $1', [quotaAccount('cli-token')]);
      assert.ok(rows.rows.length > 0, 'the request took its unit from the shared store');
      for (const r of rows.rows) assert.equal(r.remaining, gh.limiterFor('cli-token').view(r.resource).remaining, `what GitHub said is left of ${r.resource} is what the store holds`);
      const sent = gh.limiterFor('cli-token').view('core').used + gh.limiterFor('cli-token').view('graphql').used;
      // Spend the rest; the request after it waits for the reset instead of reaching GitHub.
      await db.pool.query('UPDATE github_quota SET remaining = 0 WHERE account = $1', [quotaAccount('cli-token')]);
      await assert.rejects(reader.openIssues({ ...ref, name: 'other' }), (e: unknown) => e instanceof RateLimited);
      assert.equal(gh.limiterFor('cli-token').view('core').used + gh.limiterFor('cli-token').view('graphql').used, sent, 'nothing more was sent');
    } finally {
      await gh.close();
    }
  });

  test('without the database (nothing to share with) requests are sent unpaced, and no quota row is written', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 3 } });
    try {
      const reader = createForgeReader({ kind: 'github', githubApiUrl: gh.url, githubToken: 'lone-token' });
      await reader.openIssues(ref);
      const rows = await db.pool.query('SELECT 1 FROM github_quota WHERE account = $1', [quotaAccount('lone-token')]);
      assert.equal(rows.rowCount, 0);
    } finally {
      await gh.close();
    }
  });
});
