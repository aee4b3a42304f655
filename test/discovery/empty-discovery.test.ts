import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCampaignActivities } from '../../src/activities/campaign.js';
import type { CampaignDiscovery, CampaignOptionsData } from '../../src/workflows/contracts.js';
import { createForgeReader } from '../../src/forge/registry.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

describe('an empty discovery says which filter removed what', () => {
  let db: TestDatabase;
  let gh: GitHubStandIn;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    db = await createTestDatabase();
    gh = await startGitHubStandIn();
    env = { DATABASE_URL: db.url, GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in', GLOBALLM_LOG_LEVEL: 'error' };
  });
  after(async () => {
    await gh.close();
    await db.drop();
  });

  test('discover: the one match is rejected by the language filter, and the output says so with counts', async () => {
    // Only awesome-lists/awesome-testing has ≥ 10,000 stars: a curated list with no programming language.
    const r = await runCli(['discover', '--forge', 'github', '--domain', 'overall', '--min-stars', '10000'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing approved: search matched 1 \(stars ≥ 10000, pushed since \d{4}-\d\d-\d\d, not archived, not a fork\); analyzed 1; rejected by language 1; gone 0; approved 0/);
  });

  test('discover --json carries the per-filter counts and the search qualifiers', async () => {
    const r = await runCli(['discover', '--forge', 'github', '--domain', 'overall', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { rejected: number; rejectedBy: Record<string, number>; search: { minStars: number } };
    assert.equal(out.search.minStars, 100);
    assert.ok(out.rejected > 0);
    assert.equal(Object.values(out.rejectedBy).reduce((a, b) => a + b, 0), out.rejected, 'every rejection is counted under one filter');
    assert.equal(out.rejectedBy['language'], 2, 'the curated list and the docs site have no programming language');
  });

  test('a search that matches nothing says so, naming its qualifiers', async () => {
    const r = await runCli(['discover', '--forge', 'github', '--domain', 'games', '--language', 'zig'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing approved: search matched 0 \(stars ≥ 100, pushed since [\d-]+, language Zig, not archived, not a fork\); analyzed 0; rejected by none; gone 0; approved 0/);
  });

  test('campaign discovery that selects nothing leaves a note with the counts per filter', async (t) => {
    const fresh = await createTestDatabase(); // nothing approved by earlier runs
    t.after(() => fresh.drop());
    const acts = createCampaignActivities({ pool: fresh.pool, readerFor: () => createForgeReader({ kind: 'github', githubApiUrl: gh.url, githubToken: 'stand-in', pool: fresh.pool }) });
    const opts: CampaignOptionsData = { id: 'empty', forge: 'github', domain: 'overall', minStars: 10_000, maxRepos: 10, maxIssues: 10, tokenBudget: 1000, analyzer: 'offline', dryRun: true };
    const found = await new MockActivityEnvironment().run<[CampaignOptionsData], CampaignDiscovery, typeof acts.campaignDiscover>(acts.campaignDiscover, opts);
    assert.equal(found.repos.length, 0);
    assert.equal(found.rejectedBy?.['language'], 1, JSON.stringify(found.rejectedBy));
    assert.match(found.emptyNote ?? '', /^discovery found no repository that passed the filters: search matched 1 \(stars ≥ 10000, .*\); analyzed 1; rejected by language 1; gone 0; approved 0$/);
  });
});
