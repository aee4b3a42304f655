import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGitHubStandIn } from '../../../src/sim/github/server.js';
import { prepare } from '../../../src/sim/github/graphql.js';
import { SEEDED_REPOS } from '../../../src/sim/world/seed.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { graphqlCost } from '../../../src/forge/github/graphql-cost.js';
import { PgQuotaPacer } from '../../../src/forge/github/quota-pacer.js';
import { GitHubForgeReader } from '../../../src/forge/github/reader.js';

const refs = SEEDED_REPOS.map((r) => {
  const [owner = '', name = ''] = r.split('/');
  return { owner, name };
});

describe('the cost of a GraphQL query, worked out before it is sent', () => {
  test('a query without connections, and a mutation, cost one point', () => {
    assert.equal(graphqlCost('query { viewer { login } }', {}), 1);
    assert.equal(graphqlCost('mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }', {}), 1);
  });

  test('nested connections multiply, and the sum is divided by 100 and rounded', () => {
    // 1 (issues) + 100 × 2 (labels, comments) = 201 requests: 2 points.
    const q = 'query { repository(owner: "a", name: "b") { issues(first: 100) { nodes { labels(first: 20) { nodes { name } } comments { totalCount } } } } }';
    assert.equal(graphqlCost(q, {}), 2);
    // Ten such repositories under aliases: 2,010 requests, 20 points.
    const aliased = `query { ${Array.from({ length: 10 }, (_, i) => `r${i}: repository(owner: "a", name: "b${i}") { issues(first: 100) { nodes { labels(first: 20) { nodes { name } } comments { totalCount } } } }`).join(' ')} }`;
    assert.equal(graphqlCost(aliased, {}), 20);
  });

  test('sizes given as variables and selections in fragments are counted', () => {
    const q = 'query Q($n: Int!) { repository(owner: "a", name: "b") { issues(first: $n) { nodes { ...F } } } } fragment F on Issue { assignees(first: 5) { nodes { login } } reactions { totalCount } }';
    assert.equal(graphqlCost(q, { n: 100 }), 2);
    assert.equal(graphqlCost(q, { n: 10 }), 1);
  });

  test('a document that cannot be read costs the least, never throws', () => {
    for (const bad of ['query {', '', 'fragment F on Issue { title }', 42, undefined, null]) assert.equal(graphqlCost(bad, {}), 1);
    assert.equal(graphqlCost('query { search(query: "x", type: ISSUE, first: 1) { issueCount } }', 'not an object'), 1);
    // GitHub serves at most 100 items a connection: a larger size counts as 100 (1 + 100 requests).
    const nested = 'query Q($n: Int) { r: repository(owner: "a", name: "b") { issues(first: $n) { nodes { labels(first: 100) { nodes { name } } } } } }';
    assert.equal(graphqlCost(nested, { n: 1e9 }), 1);
    assert.equal(graphqlCost(nested, { n: -3 }), 1);
    assert.equal(graphqlCost(nested, { n: 'many' }), 1);
  });
});

describe('the estimate against GitHub (stand-in)', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('every query intake sends is estimated at what the stand-in charges', async () => {
    const gh = await startGitHubStandIn({});
    try {
      const sent: { query: unknown; variables: unknown }[] = [];
      const octokit = createGitHubClient({ baseUrl: gh.url, token: 'cost-token' });
      octokit.hook.before('request', (o) => { if (/\/graphql$/.test(o.url)) sent.push({ query: o['query'], variables: o['variables'] }); });
      const reader = new GitHubForgeReader(octokit);
      await reader.repositorySignals(refs, new Date());
      await reader.openIssuesBatch(refs.map((ref) => ({ ref })));
      assert.ok(sent.length >= 2, `signals and issues were read over GraphQL (${sent.length} queries)`);
      let estimated = 0;
      for (const s of sent) {
        const charged = prepare({ query: s.query as string, variables: (s.variables ?? null) as Record<string, unknown> | null, operationName: null });
        assert.ok(charged.ok, 'the stand-in accepted the query');
        assert.equal(graphqlCost(s.query, s.variables), charged.cost, String(s.query).slice(0, 200));
        estimated += charged.cost;
      }
      assert.ok(estimated > sent.length, `intake's queries cost more than a point each (${estimated} points for ${sent.length})`);
      assert.equal(gh.counters.graphql_points, estimated);
    } finally {
      await gh.close();
    }
  });

  test('eight workers reading issues at once spend a window of GraphQL points up to its limit, never over', async () => {
    // The six seeded repositories' issues cost 18 points a query: a 120-point window fits six.
    const gh = await startGitHubStandIn({ limits: { graphql: 120 }, hourMs: 6_000 });
    try {
      const refused: number[] = [];
      const readers = Array.from({ length: 8 }, () => {
        const octokit = createGitHubClient({ baseUrl: gh.url, token: 'cost-window-token', pacer: new PgQuotaPacer(db.pool, { maxInlineWaitMs: 10_000 }) });
        octokit.hook.error('request', (e) => { refused.push((e as { status?: number }).status ?? -1); throw e; });
        return new GitHubForgeReader(octokit);
      });
      await Promise.all(readers.map(async (reader) => {
        const got = await reader.openIssuesBatch(refs.map((ref) => ({ ref })));
        assert.ok([...got.values()].every((r) => r.kind === 'ok'));
      }));
      assert.deepEqual(refused, [], 'GitHub refused no request');
      assert.equal(gh.counters.primary_refused, 0);
      assert.equal(gh.counters.graphql_points, 8 * 18);
      const windows = gh.limiterFor('cost-window-token').closed.filter((w) => w.resource === 'graphql' && w.used > 0);
      assert.ok(windows.length >= 1, 'eight queries at six a window need a second window');
      assert.equal(windows[0]?.used, 6 * 18, 'the first window was spent as far as whole queries fit');
    } finally {
      await gh.close();
    }
  });
});
