import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { createGitHubClient } from '../../src/forge/github/client.js';
import { PgQuotaPacer, quotaAccount } from '../../src/forge/github/quota-pacer.js';
import { graphqlRequest } from '../../src/forge/github/graphql.js';
import { routeLabel } from '../../src/forge/github/observe.js';
import { githubRequestMetrics } from '../../src/metrics/github.js';
import { createWorkerMetrics } from '../../src/metrics/registry.js';
import { startMetricsServer } from '../../src/metrics/server.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/sim/github/server.js';
import type { discoveryWorkflow } from '../../src/workflows/scheduled.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };

/** Every sample of a metric from Prometheus text, with its labels. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).map((l) => {
    const labels = Object.fromEntries([...l.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    return { labels, value: Number(l.split(' ').at(-1)) };
  });
}
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  return samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return res.text();
}

describe('GitHub request metrics, from the real client against the GitHub stand-in', () => {
  let gh: GitHubStandIn;
  before(async () => {
    // Seed 1216 at rate 0.05 answers the first API request with a 500 and the next 59 cleanly.
    gh = await startGitHubStandIn({ limits: { core: 50, search: 30 }, faults: { rate: 0.05, kinds: ['500'], seed: 1216 } });
  });
  after(() => gh.close());

  test('every attempt is counted by kind, method, route and status; the rate limit is the last answer\'s', async () => {
    const metrics = createWorkerMetrics();
    const octokit = createGitHubClient({ baseUrl: gh.url, token: 'stand-in', observe: githubRequestMetrics(metrics) });
    const server = await startMetricsServer(metrics.registry, { host: '127.0.0.1', port: 0, temporalMetricsUrl: undefined });
    try {
      await octokit.rest.repos.get(repo); // a 500, retried by the client, then 200
      await assert.rejects(octokit.rest.repos.get({ owner: 'pyfoundry', repo: 'no-such-repo' }), (e: unknown) => (e as { status?: number }).status === 404);
      await octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: 'counted as a write' });
      await octokit.rest.search.repos({ q: 'parser' });
      await graphqlRequest(octokit, '{ viewer { login } }', {}, 'viewer');
      const pages = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'all', per_page: 1 });
      assert.ok(pages.length >= 2, 'several pages were fetched');
      const last = await octokit.rest.repos.get(repo);

      const text = await scrape(server.url);
      const requests = (labels: Record<string, string>): number | undefined => value(text, 'globallm_github_requests_total', labels);
      const get = { kind: 'read', method: 'GET', route: '/repos/{owner}/{repo}' };
      assert.equal(requests({ ...get, status: '500' }), 1, 'the failed attempt is counted');
      assert.equal(requests({ ...get, status: '200' }), 2);
      assert.equal(requests({ ...get, status: '404' }), 1);
      assert.equal(requests({ kind: 'write', method: 'POST', route: '/repos/{owner}/{repo}/issues/{issue_number}/comments', status: '201' }), 1);
      assert.equal(requests({ kind: 'read', method: 'GET', route: '/search/repositories', status: '200' }), 1);
      assert.equal(requests({ kind: 'read', method: 'POST', route: '/graphql', status: '200' }), 1, 'a GraphQL query is a read');
      // Pagination follows literal links; their labels are folded to templates.
      const pageRequests = samples(text, 'globallm_github_requests_total').filter((s) => /issues$/.test(s.labels['route'] ?? ''));
      assert.equal(pageRequests.reduce((n, s) => n + s.value, 0), pages.length);
      assert.ok(pageRequests.every((s) => !/pyfoundry|quickparse|\?|\/\d/.test(s.labels['route'] ?? '')), JSON.stringify(pageRequests));
      const total = samples(text, 'globallm_github_requests_total').reduce((n, s) => n + s.value, 0);
      assert.equal(total, gh.faultLog.length, 'one count per request the stand-in answered');

      assert.equal(value(text, 'globallm_github_rate_limit_remaining', { resource: 'core' }), Number(last.headers['x-ratelimit-remaining']));
      assert.deepEqual([...new Set(samples(text, 'globallm_github_rate_limit_remaining').map((s) => s.labels['account']))], [quotaAccount('stand-in')], 'one account: the client\'s token, named by its hash');
      assert.ok(!text.includes('stand-in'), 'the token itself is never a label');
      assert.equal(value(text, 'globallm_github_rate_limit_limit', { resource: 'core' }), 50);
      assert.equal(value(text, 'globallm_github_rate_limit_reset_seconds', { resource: 'core' }), Number(last.headers['x-ratelimit-reset']));
      assert.equal(value(text, 'globallm_github_rate_limit_remaining', { resource: 'search' }), 29);
      assert.equal(value(text, 'globallm_github_rate_limit_limit', { resource: 'search' }), 30);
      assert.ok(value(text, 'globallm_github_rate_limit_remaining', { resource: 'graphql' }) !== undefined);
    } finally {
      await server.close();
    }
  });

  test('with several tokens, each token\'s quota is its own gauge, as GitHub last reported it for that token', async () => {
    const db = await createTestDatabase();
    const two = await startGitHubStandIn({ limits: { core: 40 } });
    const metrics = createWorkerMetrics();
    try {
      const octokit = createGitHubClient({ baseUrl: two.url, token: 'tok-a', extraTokens: ['tok-b'], pacer: new PgQuotaPacer(db.pool), observe: githubRequestMetrics(metrics) });
      for (let i = 0; i < 8; i++) await octokit.rest.repos.get(repo);
      await octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: 'a write goes with the identity token' });
      const text = await metrics.registry.metrics();
      const remaining = samples(text, 'globallm_github_rate_limit_remaining').filter((s) => s.labels['resource'] === 'core');
      const byAccount: Record<string, number> = Object.fromEntries(remaining.map((s) => [s.labels['account'] ?? '', s.value]));
      assert.deepEqual(byAccount, {
        [quotaAccount('tok-a')]: two.limiterFor('tok-a').view('core').remaining,
        [quotaAccount('tok-b')]: two.limiterFor('tok-b').view('core').remaining,
      }, JSON.stringify(remaining));
      assert.ok(two.limiterFor('tok-b').view('core').used > 0 && two.limiterFor('tok-a').view('core').used > 0, 'both tokens were used');
      for (const account of [quotaAccount('tok-a'), quotaAccount('tok-b')]) assert.equal(value(text, 'globallm_github_rate_limit_limit', { resource: 'core', account }), 40);
      assert.ok(!/tok-[ab]/.test(text), 'the tokens themselves are never labels');
    } finally {
      await two.close();
      await db.drop();
    }
  });

  test('a client without an observer counts nothing and works the same', async () => {
    const metrics = createWorkerMetrics();
    const octokit = createGitHubClient({ baseUrl: gh.url, token: 'stand-in' });
    const res = await octokit.rest.repos.get(repo);
    assert.equal(res.status, 200);
    assert.deepEqual(samples(await metrics.registry.metrics(), 'globallm_github_requests_total'), []);
  });

  test('answers without rate-limit headers, or with nonsense in them, leave the gauges alone', () => {
    const metrics = createWorkerMetrics();
    const observe = githubRequestMetrics(metrics);
    observe({ method: 'GET', route: '/x', write: false, status: 'error', headers: {}, account: 'anonymous' });
    observe({ method: 'GET', route: '/x', write: false, status: 200, headers: { 'x-ratelimit-remaining': 'lots', 'x-ratelimit-resource': 'core' }, account: 'anonymous' });
    observe({ method: 'GET', route: '/x', write: false, status: 200, headers: { 'x-ratelimit-remaining': '7', 'x-ratelimit-resource': 'Weird Resource"}' }, account: 'anonymous' });
    return metrics.registry.metrics().then((text) => {
      assert.equal(value(text, 'globallm_github_requests_total', { status: 'error' }), 1, 'no answer at all is counted as an error');
      assert.deepEqual(samples(text, 'globallm_github_rate_limit_remaining').map((s) => [s.labels['resource'], s.value]), [['core', 7]], 'an unknown resource name is not used as a label');
    });
  });

  test('route labels stay bounded: templates kept, literal owners, names, numbers and queries folded', () => {
    assert.equal(routeLabel('/repos/{owner}/{repo}/pulls/{pull_number}'), '/repos/{owner}/{repo}/pulls/{pull_number}');
    assert.equal(routeLabel('https://api.github.com/repos/acme/widget/issues?per_page=100&page=3'), '/repos/{owner}/{repo}/issues');
    assert.equal(routeLabel('https://github.example.com/api/v3/repos/acme/widget/issues/12/comments'), '/repos/{owner}/{repo}/issues/{n}/comments');
    assert.equal(routeLabel('https://api.github.com/repositories/123456/issues?page=2'), '/repositories/{n}/issues');
    assert.equal(routeLabel(undefined), 'unknown');
    assert.equal(routeLabel('https://api.github.com'), '/');
    assert.ok(routeLabel(`/search/${'x'.repeat(500)}`).length <= 120);
  });
});

describe('GitHub request metrics on the workers\' endpoint', () => {
  let db: TestDatabase;
  let gh: GitHubStandIn;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  before(async () => {
    db = await createTestDatabase();
    // A fault plan that never faults: the stand-in then logs one entry per API request it answers.
    gh = await startGitHubStandIn({ faults: { rate: 0, kinds: ['500'], seed: 1 } });
    workers = await startTestWorkers(db.pool, { GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'stand-in' });
  });
  after(async () => { await workers.shutdown(); await gh.close(); await db.drop(); });

  test('a discovery run on the workers shows its GitHub requests and the remaining quota at /metrics', async () => {
    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const client = new Client({ connection });
      const options = { id: 'metrics', forge: 'github' as const, domain: 'overall', minStars: 100, maxRepos: 5, maxIssues: 1, tokenBudget: 0, analyzer: 'offline' as const, dryRun: true };
      const found = await client.workflow.execute<typeof discoveryWorkflow>('discoveryWorkflow', {
        workflowId: `metrics-discovery-${Date.now()}`, taskQueue: taskQueue(workers.prefix, 'core'), args: [{ taskQueuePrefix: workers.prefix, options }],
      });
      assert.ok(found.repos > 0, JSON.stringify(found));
    } finally {
      await connection.close();
    }
    const text = await scrape(workers.metricsUrl);
    const requests = samples(text, 'globallm_github_requests_total');
    const sent = requests.reduce((n, s) => n + s.value, 0);
    assert.equal(sent, gh.faultLog.length, `every request the stand-in answered is counted: ${JSON.stringify(requests)}`);
    assert.ok(requests.some((s) => s.labels['kind'] === 'read' && s.labels['status'] === '200'), JSON.stringify(requests));
    const remaining = samples(text, 'globallm_github_rate_limit_remaining');
    assert.ok(remaining.length > 0, 'the remaining quota is kept per resource');
    for (const r of remaining) assert.ok(r.value >= 0 && r.value < (value(text, 'globallm_github_rate_limit_limit', { resource: r.labels['resource'] ?? '' }) ?? 0), JSON.stringify(r));
  });
});
