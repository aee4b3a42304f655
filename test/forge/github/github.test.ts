import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimited, NotFound, Unavailable, UsageError } from '../../../src/errors.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { rateLimitDelayMs, toForgeError } from '../../../src/forge/github/errors.js';
import { GitHubForgeReader } from '../../../src/forge/github/reader.js';
import { refKey } from '../../../src/forge/types.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { Clock } from '../../../src/sim/github/clock.js';
import { generateSyntheticRepos, WORLD_AUTHORED_AT } from '../../../src/sim/world/seed.js';

const NOW = new Date('2025-06-20T00:00:00Z');

describe('GitHub forge reader against the stand-in', () => {
  let gh: GitHubStandIn;
  let forge: GitHubForgeReader;
  before(async () => {
    gh = await startGitHubStandIn({ clock: Clock.startingAt(Date.parse(WORLD_AUTHORED_AT)) });
    await generateSyntheticRepos(gh.world, 30, 7);
    forge = new GitHubForgeReader(createGitHubClient({ baseUrl: gh.url, token: 'test-token', maxInlineWaitSeconds: 0 }), 12);
  });
  after(async () => gh.close());

  test('signals for many repositories come from one GraphQL query, a missing one is gone', async () => {
    gh.resetCounters();
    const refs = [{ owner: 'pyfoundry', name: 'quickparse' }, { owner: 'no-such', name: 'repo' }, { owner: 'tsworks', name: 'typed-fetch' }];
    const out = await forge.repositorySignals(refs, NOW);
    assert.equal(gh.counters.graphql_requests, 1);
    assert.equal(gh.counters.rest_read + gh.counters.search, 0);
    const qp = out.get('pyfoundry/quickparse');
    assert.equal(qp?.kind, 'ok');
    if (qp?.kind !== 'ok') return;
    assert.equal(qp.signals.stars, 2400);
    assert.equal(qp.signals.primaryLanguage, 'Python');
    assert.equal(qp.signals.license, 'MIT');
    assert.ok(qp.signals.topLevelFiles.includes('pyproject.toml'));
    assert.equal(qp.signals.manifests[0]?.publishes, 'quickparse');
    assert.equal(qp.signals.latestReleaseAt, '2025-06-10T12:00:00.000Z');
    assert.equal(qp.signals.openIssues, 6);
    assert.equal(out.get('no-such/repo')?.kind, 'gone');
    const tf = out.get('tsworks/typed-fetch');
    assert.equal(tf?.kind === 'ok' && tf.signals.hasWorkflows, true);
    assert.equal(qp.signals.hasWorkflows, false);
  });

  test('more refs than one batch are split across queries (25 per query)', async () => {
    gh.resetCounters();
    const names = gh.world.visibleRepos().filter((r) => r.owner.startsWith('synth-org')).slice(0, 28).map((r) => ({ owner: r.owner, name: r.name }));
    const out = await forge.repositorySignals(names, NOW);
    assert.equal(out.size, 28);
    assert.equal(gh.counters.graphql_requests, 2);
  });

  test('a repository archived or deleted between two reads is reported as such', async () => {
    const ref = { owner: 'gophers-united', name: 'fastcache' };
    const first = await forge.repositorySignals([ref], NOW);
    assert.equal(first.get(refKey(ref))?.kind === 'ok' && !(first.get(refKey(ref)) as { signals: { isArchived: boolean } }).signals.isArchived, true);
    gh.world.archive(ref.owner, ref.name);
    const archived = await forge.repositorySignals([ref], NOW);
    const a = archived.get(refKey(ref));
    assert.equal(a?.kind === 'ok' && a.signals.isArchived, true);
    gh.world.vanish(ref.owner, ref.name);
    const gone = await forge.repositorySignals([ref, { owner: 'tsworks', name: 'typed-fetch' }], NOW);
    assert.equal(gone.get(refKey(ref))?.kind, 'gone');
    assert.equal(gone.get('tsworks/typed-fetch')?.kind, 'ok');
  });

  test('search slices past the result cap and returns every match exactly once, with signals', async () => {
    gh.resetCounters();
    const base = { text: '', minStars: 0 };
    const res = await forge.searchRepositories(base, { max: 10_000, now: NOW });
    const seen: string[] = [];
    for await (const page of res.pages) {
      for (const r of page.refs) {
        seen.push(refKey(r));
        assert.equal(page.signals.get(refKey(r))?.kind, 'ok');
      }
    }
    const expected = gh.world.visibleRepos().filter((r) => !r.archived && !r.isFork).length;
    assert.equal(res.totalCount, expected);
    assert.ok(expected > 12, 'the test needs more repositories than the (lowered) cap');
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.equal(seen.length, expected);
    assert.equal(gh.counters.rest_read + gh.counters.search, 0);
  });

  test('max stops the search early', async () => {
    const res = await forge.searchRepositories({ text: '', minStars: 0 }, { max: 7, now: NOW });
    let n = 0;
    for await (const page of res.pages) n += page.refs.length;
    assert.equal(n, 7);
  });

  test('issues carry labels, assignees, lock state, comments and linked pull requests', async () => {
    const issues = await forge.openIssues({ owner: 'pyfoundry', name: 'quickparse' });
    const byTitle = new Map(issues.map((i) => [i.title, i]));
    assert.deepEqual(byTitle.get('parse() crashes on empty value')?.assignees, ['carol']);
    assert.equal(byTitle.get('Rewrite in Rust?')?.locked, true);
    const linked = byTitle.get('Whitespace-only lines raise an error');
    assert.deepEqual(linked?.linkedPullRequests.map((p) => p.state), ['OPEN']);
    assert.match(byTitle.get('Values with "=" inside are split wrongly')?.recentComments[0]?.body ?? '', /working on this/);
    assert.equal(byTitle.get('Support inline comments after values')?.reactions, 9);
    assert.ok(issues.every((i) => !i.isPullRequest && i.state === 'open'));
    await assert.rejects(forge.openIssues({ owner: 'no-such', name: 'repo' }), NotFound);
  });
});

describe('rate limits', () => {
  test('an exhausted GraphQL budget surfaces as RateLimited with the wait until reset', async () => {
    const gh = await startGitHubStandIn({ limits: { graphql: 2 } });
    try {
      const forge = new GitHubForgeReader(createGitHubClient({ baseUrl: gh.url, token: 't', maxInlineWaitSeconds: 0 }));
      const ref = [{ owner: 'pyfoundry', name: 'quickparse' }];
      await forge.repositorySignals(ref, NOW);
      await forge.repositorySignals(ref, NOW);
      const err = await forge.repositorySignals(ref, NOW).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof RateLimited, `expected RateLimited, got ${String(err)}`);
      // An hour, the reset header rounded up to a whole second, and a second's margin.
      assert.ok(err.retryAfterMs > 1000 && err.retryAfterMs <= 3_602_000, `wait ${err.retryAfterMs}`);
    } finally {
      await gh.close();
    }
  });

  test('retry-after wins, then the reset header, then a default minute', () => {
    assert.equal(rateLimitDelayMs({ retryAfter: '30', reset: '999999999999' }, 0), 30_000);
    assert.equal(rateLimitDelayMs({ reset: '100' }, 50_000), 51_000);
    assert.equal(rateLimitDelayMs({}, 0), 60_000);
    assert.equal(rateLimitDelayMs({ retryAfter: 'soon' }, 0), 60_000);
  });

  test('HTTP failures map to named errors', () => {
    const mk = (status: number, headers: Record<string, string> = {}, message = 'x'): unknown => ({ status, message, response: { headers } });
    assert.ok(toForgeError(mk(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '10' }), 'w', 0) instanceof RateLimited);
    assert.ok(toForgeError(mk(403, { 'retry-after': '60' }, 'You have exceeded a secondary rate limit'), 'w', 0) instanceof RateLimited);
    assert.ok(toForgeError(mk(429), 'w') instanceof RateLimited);
    assert.ok(toForgeError(mk(404), 'w') instanceof NotFound);
    assert.ok(toForgeError(mk(401), 'w') instanceof UsageError);
    assert.ok(toForgeError(mk(502), 'w') instanceof Unavailable);
    assert.ok(toForgeError(new Error('socket hang up'), 'w') instanceof Unavailable);
    const forbidden = toForgeError(mk(403, {}, 'Resource not accessible'), 'w');
    assert.ok(!(forbidden instanceof RateLimited));
  });
});
