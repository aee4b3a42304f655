import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { PgQuotaPacer, pickAccount, type QuotaState } from '../../../src/forge/github/quota-pacer.js';
import { mayUseAnyToken } from '../../../src/forge/github/writes.js';
import { RateLimited } from '../../../src/errors.js';
import { twoPacedWorkersRead } from '../../helpers/paced-workers.js';

const repo = { owner: 'pyfoundry', repo: 'quickparse' };
const NOW = 1_000_000;

describe('several tokens: reads spread over every token, writes and identity reads on the first', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('two workers with two tokens spend both quotas, and GitHub never answers a limit', async () => {
    const gh = await startGitHubStandIn({ limits: { core: 10 } });
    try {
      const { ok, paced, statuses } = await twoPacedWorkersRead(db.pool, gh.url, { token: 'tok-a', extraTokens: ['tok-b'] }, 12, (err) => err instanceof RateLimited);
      assert.equal(ok, 20, 'both tokens\' quotas were used to the last unit');
      assert.equal(paced, 4, 'the rest waited for a reset instead of being sent');
      assert.ok(statuses.every((s) => s === 200), `GitHub never answered a limit: ${statuses.join(',')}`);
      assert.equal(gh.limiterFor('tok-a').view('core').remaining, 0);
      assert.equal(gh.limiterFor('tok-b').view('core').remaining, 0);
      assert.equal(gh.counters.primary_refused, 0);
    } finally {
      await gh.close();
    }
  });

  test('a write and a viewer query go with the identity token only; plain reads use the other too', async () => {
    const gh = await startGitHubStandIn({});
    try {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 'id-a', extraTokens: ['id-b'], pacer: new PgQuotaPacer(db.pool) });
      const login = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
      assert.equal(login.viewer.login, 'globallm-bot');
      await octokit.rest.repos.createFork(repo);
      await octokit.graphql('query { repository(owner: "pyfoundry", name: "quickparse") { name } }');
      assert.equal(gh.limiterFor('id-b').view('core').used, 0, 'the write went with the identity');
      assert.ok(gh.limiterFor('id-a').view('core').used >= 1);
      assert.equal(gh.limiterFor('id-a').view('graphql').used, 1, 'only the viewer query counted on the identity');
      assert.equal(gh.limiterFor('id-b').view('graphql').used, 1, 'the other query went with the second token');
      for (let i = 0; i < 6; i++) await octokit.rest.repos.get(repo);
      assert.ok(gh.limiterFor('id-b').view('core').used >= 1, 'plain reads use the second token');
    } finally {
      await gh.close();
    }
  });

  test('without a pacer, the extra tokens are not used', async () => {
    const gh = await startGitHubStandIn({});
    try {
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 'lone-a', extraTokens: ['lone-b'] });
      for (let i = 0; i < 3; i++) await octokit.rest.repos.get(repo);
      assert.equal(gh.limiterFor('lone-a').view('core').used, 3);
      assert.equal(gh.limiterFor('lone-b').view('core').used, 0);
    } finally {
      await gh.close();
    }
  });
});

describe('which requests any token may send', () => {
  test('reads may; writes, GraphQL viewer queries and /user may not', () => {
    assert.equal(mayUseAnyToken({ method: 'GET', url: '/repos/{owner}/{repo}' }), true);
    assert.equal(mayUseAnyToken({ method: 'GET', url: '/users/{username}' }), true);
    assert.equal(mayUseAnyToken({ method: 'GET', url: '/search/issues' }), true);
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/graphql', query: 'query { repository(owner: "a", name: "b") { name } }' }), true);
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/graphql', query: 'query { search(query: "author:viewer") { issueCount } } # viewer' }), true, 'a string or comment naming viewer is not the field');
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/repos/{owner}/{repo}/forks' }), false);
    assert.equal(mayUseAnyToken({ method: 'PATCH', url: '/repos/{owner}/{repo}/pulls/{pull_number}' }), false);
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/graphql', query: 'mutation { addComment(input: {}) { clientMutationId } }' }), false);
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/graphql', query: 'query { viewer { login } }' }), false);
    assert.equal(mayUseAnyToken({ method: 'POST', url: '/graphql' }), false, 'an unreadable query counts as a write');
    assert.equal(mayUseAnyToken({ method: 'GET', url: '/user' }), false);
    assert.equal(mayUseAnyToken({ method: 'GET', url: 'https://ghe.example.org/api/v3/user/repos?page=2' }), false);
  });
});

describe('the account a request takes its unit from', () => {
  const known = (remaining: number, resetAt: number): QuotaState => ({ remaining, resetAt, notBefore: 0 });

  test('an unknown quota is learnt first; then the soonest reset; then the most left; a tie spares the first', () => {
    assert.deepEqual(pickAccount([known(50, NOW + 60_000), { remaining: null, resetAt: null, notBefore: 0 }], 'core', NOW), { index: 1, next: { remaining: null, resetAt: null, notBefore: NOW + 1_000 } });
    assert.equal(pick([known(50, NOW + 60_000), known(5, NOW + 30_000)]), 1, 'the quota lost soonest goes first');
    assert.equal(pick([known(50, NOW + 30_000), known(5, NOW + 30_000)]), 0, 'then the one with most left');
    assert.equal(pick([known(5, NOW + 30_000), known(5, NOW + 30_000)]), 1);
    assert.equal(pick([known(0, NOW + 30_000), known(5, NOW + 60_000)]), 1, 'a spent quota is passed over');
  });

  test('when none can take a unit, the wait is the shortest of theirs', () => {
    const r = pickAccount([known(0, NOW + 30_000), { remaining: 9, resetAt: NOW + 60_000, notBefore: NOW + 4_000 }], 'core', NOW);
    assert.deepEqual(r, { waitMs: 4_000 });
    assert.deepEqual(pickAccount([known(40, NOW + 30_000)], 'graphql', NOW, 36), { waitMs: 30_000 }, 'the GraphQL reserve is kept');
  });

  const pick = (states: QuotaState[]): number => {
    const r = pickAccount(states, 'core', NOW);
    assert.ok('index' in r);
    return r.index;
  };
});
