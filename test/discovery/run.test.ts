import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createCampaignActivities } from '../../src/activities/campaign.js';
import type { CampaignOptionsData } from '../../src/workflows/contracts.js';
import { toApplicationFailure } from '../../src/activities/errors.js';
import { discoverHandler } from '../../src/cli/commands/discover.js';
import { scoreTarget } from '../../src/cli/commands/score.js';
import { listRepositories, showRepository } from '../../src/cli/commands/repos.js';
import { parseDiscoveryQuery } from '../../src/discovery/domains.js';
import { runDiscovery } from '../../src/discovery/run.js';
import { NotFound, RateLimited, UsageError } from '../../src/errors.js';
import { parseRepoRef } from '../../src/forge/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { FakeForge, signals } from '../helpers/fake-forge.js';

const NOW = new Date('2025-06-20T00:00:00Z');

const campaign = (o: Partial<CampaignOptionsData> = {}): CampaignOptionsData => ({
  id: 't', forge: 'github', domain: 'web_dev', minStars: 0, maxRepos: 50, maxIssues: 10, tokenBudget: 0, analyzer: 'offline', dryRun: true, ...o,
});

function webWorld(): FakeForge {
  // web_dev keyword queries, in order: "web framework", frontend, backend, fullstack, "http server", api
  return new FakeForge({
    '"web framework"': [signals('w', 'fast'), signals('w', 'slow', { isArchived: true }), signals('w', 'app', { description: 'a dashboard app', manifests: [], topLevelFiles: ['vercel.json'] })],
    frontend: [signals('f', 'ui', { manifests: [{ path: 'package.json', ecosystem: 'npm', publishes: 'ui', isPrivate: false, dependencies: [{ ecosystem: 'pypi', name: 'fast', kind: 'runtime' }], error: null }] }), signals('w', 'fast')],
    backend: [signals('b', 'vanished'), signals('b', 'db')],
  }, new Set(['b/vanished']));
}

describe('discovery run', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => db.drop());

  test('filters with reasons, scores with breakdowns, dedupes, records gone repositories and builds the graph', async () => {
    const forge = webWorld();
    const summary = await runDiscovery({ pool: db.pool, forge }, { query: parseDiscoveryQuery({ domain: 'web_dev', minStars: 0 }), max: 50, now: NOW });
    assert.equal(summary.analyzed, 5);
    assert.equal(summary.gone, 1);
    assert.equal(summary.approved, 3);
    assert.equal(summary.rejected, 2);
    const fast = await showRepository(db.pool, 'github', { owner: 'w', name: 'fast' });
    assert.equal(fast.status, 'approved');
    const impactTerms = (fast.impact_breakdown as { terms: Array<{ key: string; raw: unknown; weight: number }> }).terms;
    assert.equal(impactTerms.find((t) => t.key === 'centrality')?.raw, 1, 'fast is the most depended-upon package');
    assert.equal((fast.health_breakdown as { terms: unknown[] }).terms.length, 7);
    assert.ok(Array.isArray(fast.filters) && fast.filters.length === 4);
    const slow = await showRepository(db.pool, 'github', { owner: 'w', name: 'slow' });
    assert.equal(slow.status, 'rejected');
    assert.match(slow.reason ?? '', /archived/);
    const app = await showRepository(db.pool, 'github', { owner: 'w', name: 'app' });
    assert.match(app.reason ?? '', /application|no package manifest/);
    const gone = await showRepository(db.pool, 'github', { owner: 'b', name: 'vanished' });
    assert.equal(gone.status, 'gone');
    assert.deepEqual((await listRepositories(db.pool, { status: 'gone' })).map((r) => r.repo), ['b/vanished']);
    await assert.rejects(listRepositories(db.pool, { status: 'bogus' }), UsageError);
    await assert.rejects(showRepository(db.pool, 'github', { owner: 'x', name: 'y' }), NotFound);
  });

  test('max bounds the repositories analyzed', async () => {
    const forge = webWorld();
    const s = await runDiscovery({ pool: db.pool, forge }, { query: parseDiscoveryQuery({ domain: 'web_dev' }), max: 2, now: NOW });
    assert.equal(s.analyzed + s.gone, 2);
    assert.deepEqual(forge.searchCalls, ['"web framework"']);
  });

  test('the registered discover activity heartbeats and a retry resumes from the last checkpoint', async () => {
    const forge = webWorld();
    forge.failOnSearch = 'backend';
    const acts = createCampaignActivities({ pool: db.pool, readerFor: () => forge, now: () => NOW });
    const beats: unknown[] = [];
    const env1 = new MockActivityEnvironment();
    env1.on('heartbeat', (d: unknown) => beats.push(d));
    const failure = await env1.run(acts.campaignDiscover, campaign()).then(() => null, (e: unknown) => e);
    assert.ok(failure instanceof ApplicationFailure && !failure.nonRetryable, 'an unknown crash stays retryable');
    const last = beats.at(-1) as { cursor: number; done: number };
    assert.deepEqual(last, { cursor: 2, done: 4 }, 'three from the first query, one new from the second');
    const before = forge.searchCalls.length;
    const env2 = new MockActivityEnvironment({ heartbeatDetails: last });
    const found = await env2.run<[CampaignOptionsData], Awaited<ReturnType<typeof acts.campaignDiscover>>, typeof acts.campaignDiscover>(acts.campaignDiscover, campaign());
    assert.deepEqual(forge.searchCalls.slice(before), ['backend', 'fullstack', '"http server"', 'api'], 'finished queries are not searched again');
    assert.equal(found.discovered, 1, 'b/db; b/vanished is gone');
    assert.ok(found.repos.every((r) => r.forge === 'github'));
  });

  test('a heartbeat that is not a checkpoint starts discovery over instead of trusting it', async () => {
    const forge = webWorld();
    const acts = createCampaignActivities({ pool: db.pool, readerFor: () => forge, now: () => NOW });
    const env = new MockActivityEnvironment({ heartbeatDetails: { cursor: 'x', done: -1 } });
    await env.run(acts.campaignDiscover, campaign());
    assert.equal(forge.searchCalls[0], '"web framework"');
  });

  test('one classifier maps named errors to Temporal failures', () => {
    const rl = toApplicationFailure(new RateLimited('slow down', 42_000));
    assert.equal(rl.type, 'GitHubRateLimited');
    assert.equal(rl.nonRetryable, false);
    assert.equal(rl.nextRetryDelay, 42_000);
    const nf = toApplicationFailure(new NotFound('gone'));
    assert.equal(nf.type, 'NotFound');
    assert.equal(nf.nonRetryable, true);
    assert.equal(toApplicationFailure(new UsageError('bad')).nonRetryable, true);
  });
});

describe('CLI handlers', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => db.drop());

  test('bad domain, language and numbers are usage errors that list the valid values', async () => {
    const deps = { pool: db.pool, forge: webWorld(), now: NOW };
    await assert.rejects(discoverHandler(deps, { domain: 'cooking' }), (e: unknown) => e instanceof UsageError && /valid domains: ai_ml/.test(e.message));
    await assert.rejects(discoverHandler(deps, { domain: 'ai_ml', language: 'Klingon' }), (e: unknown) => e instanceof UsageError && /valid languages: .*Python/.test(e.message));
    await assert.rejects(discoverHandler(deps, { domain: 'ai_ml', max: '0' }), UsageError);
    await assert.rejects(discoverHandler(deps, { domain: 'ai_ml', minStars: 'many' }), UsageError);
    await assert.rejects(discoverHandler(deps, { domain: 'ai_ml', minHealth: '2' }), UsageError);
    await assert.rejects(discoverHandler(deps, {}), UsageError);
  });

  test('discover runs and returns its summary', async () => {
    const s = await discoverHandler({ pool: db.pool, forge: webWorld(), now: NOW }, { domain: 'web_dev', minStars: '0', max: '3', json: true });
    assert.equal(s.analyzed + s.gone, 3);
  });

  test('malformed owner/repo and wrong flag combinations are usage errors', async () => {
    for (const bad of ['noslash', 'a/b/c', '/x', 'a/', 'a b/c', 'o/..', '-x/y']) assert.throws(() => parseRepoRef(bad), UsageError, bad);
    assert.deepEqual(parseRepoRef(' octo-org/my.repo_1 '), { owner: 'octo-org', name: 'my.repo_1' });
    await assert.rejects(scoreTarget(undefined, {}), UsageError);
    await assert.rejects(scoreTarget('a/b', { repo: '/tmp' }), UsageError);
    await assert.rejects(scoreTarget(undefined, { forge: 'local' }), UsageError);
    await assert.rejects(scoreTarget(undefined, { forge: 'local', repo: '/definitely/not/here' }), UsageError);
    await assert.rejects(scoreTarget('a/b', { forge: 'gitlab' }), (e: unknown) => e instanceof UsageError && /github, local/.test(e.message));
    assert.deepEqual(await scoreTarget('a/b', {}), { ref: { owner: 'a', name: 'b' } });
  });
});
