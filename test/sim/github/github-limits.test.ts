import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { client, statusOf, type LimitEvents } from '../../helpers/github-helpers.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };

describe('GitHub stand-in limits and faults', () => {
  test('primary limit trips with 403 and remaining 0, then resets when the clock moves', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 3 } });
    try {
      const events: LimitEvents = { primary: [], secondary: [] };
      const octokit = client(gh.url, events);
      const first = await octokit.rest.repos.get(repo);
      assert.equal(first.headers['x-ratelimit-limit'], '3');
      assert.equal(first.headers['x-ratelimit-remaining'], '2');
      assert.equal(first.headers['x-ratelimit-resource'], 'core');
      await octokit.rest.repos.get(repo);
      await octokit.rest.repos.get(repo);
      await assert.rejects(octokit.rest.repos.get(repo), (e: unknown) => statusOf(e) === 403 && /rate limit exceeded/.test((e as Error).message));
      assert.equal(events.primary.length, 1, 'the throttling plugin saw a primary rate limit');
      const rl = await octokit.rest.rateLimit.get();
      assert.equal(rl.data.resources.core.remaining, 0);
      gh.clock.advance(3_600_001);
      const again = await octokit.rest.repos.get(repo);
      assert.equal(again.headers['x-ratelimit-remaining'], '2');
    } finally {
      await gh.close();
    }
  });

  test('search has its own per-minute budget', async () => {
    const gh = await startGitHubStandIn({ limits: { search: 2 } });
    try {
      const octokit = client(gh.url);
      await octokit.rest.search.repos({ q: 'parser' });
      const r = await octokit.rest.search.repos({ q: 'parser' });
      assert.equal(r.headers['x-ratelimit-resource'], 'search');
      await assert.rejects(octokit.rest.search.repos({ q: 'parser' }), (e: unknown) => statusOf(e) === 403);
      const core = await octokit.rest.repos.get(repo);
      assert.equal(core.headers['x-ratelimit-resource'], 'core');
      gh.clock.advance(61_000);
      await octokit.rest.search.repos({ q: 'parser' });
      assert.equal(gh.counters.search, 4);
    } finally {
      await gh.close();
    }
  });

  test('secondary limit on content creation answers 403 with retry-after', async () => {
    const gh = await startGitHubStandIn({ limits: { contentPerMinute: 2, secondaryRetryAfterSec: 42 } });
    try {
      const events: LimitEvents = { primary: [], secondary: [] };
      const octokit = client(gh.url, events);
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/2/comments`, { method: 'POST', headers: { authorization: 'token test-token' }, body: JSON.stringify({ body: 'one' }) });
      assert.equal(res.status, 201);
      await octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: 'two' });
      await assert.rejects(octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: 'three' }), (e: unknown) => statusOf(e) === 403);
      assert.deepEqual(events.secondary, [42]);
      const raw = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/2/comments`, { method: 'POST', headers: { authorization: 'token test-token' }, body: JSON.stringify({ body: 'four' }) });
      assert.equal(raw.status, 403);
      assert.equal(raw.headers.get('retry-after'), '42');
      assert.match(((await raw.json()) as { message: string }).message, /secondary rate limit/);
      assert.equal(gh.world.raw('pyfoundry', 'quickparse')?.issues[1]?.comments.length, 2);
      assert.equal(gh.counters.content_refused, 2, 'both writes past the limit are counted');
      gh.clock.advance(61_000);
      await octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: 'five' });
    } finally {
      await gh.close();
    }
  });

  test('If-None-Match with the ETag answers 304 and costs nothing', async () => {
    const gh = await startGitHubStandIn({});
    try {
      const r1 = await fetch(`${gh.url}/repos/pyfoundry/quickparse`);
      const etag = r1.headers.get('etag');
      assert.ok(etag);
      const used = Number(r1.headers.get('x-ratelimit-used'));
      const r2 = await fetch(`${gh.url}/repos/pyfoundry/quickparse`, { headers: { 'if-none-match': etag } });
      assert.equal(r2.status, 304);
      assert.equal(Number(r2.headers.get('x-ratelimit-used')), used);
      const r3 = await fetch(`${gh.url}/repos/pyfoundry/quickparse`, { headers: { 'if-none-match': 'W/"stale"' } });
      assert.equal(r3.status, 200);
      assert.equal(Number(r3.headers.get('x-ratelimit-used')), used + 1);
      gh.world.archive('pyfoundry', 'quickparse');
      const r4 = await fetch(`${gh.url}/repos/pyfoundry/quickparse`, { headers: { 'if-none-match': etag } });
      assert.equal(r4.status, 200, 'a changed resource is sent again');
    } finally {
      await gh.close();
    }
  });

  test('faults are deterministic for a seed and differ across seeds', async () => {
    const sequence = async (seed: number): Promise<string[]> => {
      const gh = await startGitHubStandIn({ seedWorld: false, faults: { rate: 0.5, kinds: ['500', '502', 'abuse403'], seed } });
      try {
        const out: string[] = [];
        for (let i = 0; i < 24; i++) {
          const r = await fetch(`${gh.url}/rate_limit`);
          out.push(String(r.status));
          await r.arrayBuffer();
        }
        assert.deepEqual(out, gh.faultLog.map((k) => (k === null ? '200' : k === 'abuse403' ? '403' : k)));
        return out;
      } finally {
        await gh.close();
      }
    };
    const a = await sequence(11);
    const b = await sequence(11);
    const c = await sequence(12);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.includes('200') && a.some((s) => s !== '200'));
  });

  test('reset faults drop the connection', async () => {
    const gh = await startGitHubStandIn({ seedWorld: false, faults: { rate: 1, kinds: ['reset'], seed: 1 } });
    try {
      await assert.rejects(fetch(`${gh.url}/rate_limit`));
    } finally {
      await gh.close();
    }
  });

  test('the first forks asked to be slow stay unreadable for their delay; later forks take the usual one', async () => {
    const gh = await startGitHubStandIn({ limits: { forkDelayMs: 0 }, faults: { rate: 0, kinds: ['500'], seed: 1, slowForks: { count: 1, delayMs: 60_000 } } });
    try {
      const octokit = client(gh.url);
      await octokit.rest.repos.createFork(repo);
      await assert.rejects(octokit.rest.repos.get({ owner: 'globallm-bot', repo: 'quickparse' }), (e: unknown) => statusOf(e) === 404);
      await octokit.rest.repos.createFork({ owner: 'tsworks', repo: 'typed-fetch' });
      assert.equal((await octokit.rest.repos.get({ owner: 'globallm-bot', repo: 'typed-fetch' })).status, 200);
      assert.equal(gh.injected.slowForks, 1);
      gh.clock.advance(60_000);
      assert.equal((await octokit.rest.repos.get({ owner: 'globallm-bot', repo: 'quickparse' })).status, 200);
    } finally {
      await gh.close();
    }
  });

  test('invalid options are refused', async () => {
    await assert.rejects(startGitHubStandIn({ limits: { core: -1 } }));
    await assert.rejects(startGitHubStandIn({ faults: { kinds: [], seed: 1 } }));
    await assert.rejects(startGitHubStandIn({ faults: { kinds: ['500'], seed: 1, refuseCommits: -1 } }));
    await assert.rejects(startGitHubStandIn({ faults: { kinds: ['500'], seed: 1, slowForks: { count: 1, delayMs: -5 } } }));
  });
});
