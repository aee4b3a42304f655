import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { validateResponse } from '../../../src/sim/github/openapi.js';
import { Clock } from '../../../src/sim/github/clock.js';
import { generateSyntheticRepos, WORLD_AUTHORED_AT } from '../../../src/sim/world/seed.js';
import { client, statusOf } from '../../helpers/github-helpers.js';

describe('GitHub stand-in REST', () => {
  let gh: GitHubStandIn;
  let octokit: ReturnType<typeof client>;

  before(async () => {
    gh = await startGitHubStandIn({ limits: { forkDelayMs: 60_000 }, clock: Clock.startingAt(Date.parse(WORLD_AUTHORED_AT)) });
    await generateSyntheticRepos(gh.world, 1200, 7);
    octokit = client(gh.url);
  });
  after(async () => {
    await gh.close();
  });

  describe('request validation against the OpenAPI description', () => {
    test('a query parameter of the wrong type is rejected with 422 naming the parameter', async () => {
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues?per_page=many`);
      assert.equal(res.status, 422);
      const body = (await res.json()) as { message: string; documentation_url: string };
      assert.match(body.message, /per_page/);
      assert.match(body.documentation_url, /^https:\/\/docs\.github\.com\//);
    });

    test('an enum violation is rejected', async () => {
      await assert.rejects(octokit.rest.issues.listForRepo({ owner: 'pyfoundry', repo: 'quickparse', state: 'sideways' as 'open' }), (e: unknown) => statusOf(e) === 422);
    });

    test('a missing required body field is rejected and nothing is written', async () => {
      const before = (await octokit.rest.issues.listComments({ owner: 'pyfoundry', repo: 'quickparse', issue_number: 2 })).data.length;
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/2/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
      assert.equal(res.status, 422);
      assert.match(((await res.json()) as { message: string }).message, /body.*required property 'body'/);
      const after = (await octokit.rest.issues.listComments({ owner: 'pyfoundry', repo: 'quickparse', issue_number: 2 })).data.length;
      assert.equal(after, before);
    });

    test('malformed JSON is a 400', async () => {
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/2/comments`, { method: 'POST', body: '{not json' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /Problems parsing JSON/);
    });

    test('a path GitHub does not document is a 404; a non-integer path id is rejected', async () => {
      assert.equal((await fetch(`${gh.url}/repos/pyfoundry/quickparse/nonsense/1`)).status, 404);
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/issues/first`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { message: string }).message, /issue_number/);
    });

    test('a documented but unimplemented operation says so instead of passing silently', async () => {
      const res = await fetch(`${gh.url}/repos/pyfoundry/quickparse/hooks`);
      assert.equal(res.status, 501);
      assert.match(((await res.json()) as { message: string }).message, /not implemented by the stand-in/);
    });
  });

  describe('search', () => {
    test('qualifiers filter repositories', async () => {
      const { data } = await octokit.rest.search.repos({ q: 'language:python stars:>=1000 topic:parser', per_page: 100 });
      assert.ok(data.items.some((r) => r.full_name === 'pyfoundry/quickparse'));
      assert.equal(data.items.length, data.total_count);
      for (const r of data.items) {
        assert.equal(r.language, 'Python');
        assert.ok(r.stargazers_count >= 1000);
        assert.ok(r.topics?.includes('parser'));
      }
      const range = await octokit.rest.search.repos({ q: 'stars:500..1000 org:gophers-united' });
      assert.deepEqual(range.data.items.map((r) => r.full_name), ['gophers-united/fastcache']);
      const none = await octokit.rest.search.repos({ q: 'stars:500..800 org:gophers-united' });
      assert.equal(none.data.total_count, 0);
      const pushed = await octokit.rest.search.repos({ q: 'pushed:>2025-06-01 org:tsworks' });
      assert.equal(pushed.data.total_count, 1);
      const old = await octokit.rest.search.repos({ q: 'pushed:2020-01-01..2024-12-31 org:tsworks' });
      assert.equal(old.data.total_count, 0);
      const kw = await octokit.rest.search.repos({ q: 'kanban board' });
      assert.deepEqual(kw.data.items.map((r) => r.full_name), ['appcraft/taskboard']);
    });

    test('sort and order are honoured', async () => {
      const { data } = await octokit.rest.search.repos({ q: 'language:go', sort: 'stars', order: 'asc', per_page: 100 });
      const stars = data.items.map((r) => r.stargazers_count);
      assert.deepEqual(stars, [...stars].sort((a, b) => a - b));
      assert.ok(stars.length > 10);
    });

    test('issue search: is:issue, state, label, repo', async () => {
      const { data } = await octokit.rest.search.issuesAndPullRequests({ q: 'repo:pyfoundry/quickparse is:issue state:open label:bug' });
      assert.deepEqual(data.items.map((i) => i.number).sort(), [1, 5, 6]);
      const prs = await octokit.rest.search.issuesAndPullRequests({ q: 'repo:pyfoundry/quickparse is:pr' });
      assert.deepEqual(prs.data.items.map((i) => i.number), [7]);
    });

    test('an unknown qualifier value is a 422 naming the problem', async () => {
      await assert.rejects(octokit.rest.search.repos({ q: 'stars:lots' }), (e: unknown) => statusOf(e) === 422 && /stars:lots|lots/.test(String((e as Error).message)));
    });

    test('1,000-result cap: true total_count, no results beyond 1,000', async () => {
      const first = await octokit.rest.search.repos({ q: 'synthetic', per_page: 100, page: 10 });
      assert.ok(first.data.total_count > 1000, `total ${first.data.total_count}`);
      assert.equal(first.data.items.length, 100);
      assert.equal(first.data.incomplete_results, false);
      assert.doesNotMatch(first.headers.link ?? '', /rel="next"/);
      await assert.rejects(octokit.rest.search.repos({ q: 'synthetic', per_page: 100, page: 11 }), (e: unknown) => statusOf(e) === 422 && /first 1000/.test((e as Error).message));
    });
  });

  describe('responses follow the OpenAPI response schemas', () => {
    test('each implemented endpoint answers in the documented shape', async () => {
      const o = { owner: 'pyfoundry', repo: 'quickparse' };
      const head = (await octokit.rest.repos.getBranch({ ...o, branch: 'main' })).data.commit.sha;
      gh.world.addCheckRun('pyfoundry', 'quickparse', head, { name: 'ci', conclusion: 'success' });
      const cases: [string, () => Promise<{ status: number; data: unknown }>][] = [
        ['rate-limit/get', () => octokit.rest.rateLimit.get()],
        ['search/repos', () => octokit.rest.search.repos({ q: 'language:python' })],
        ['search/issues-and-pull-requests', () => octokit.rest.search.issuesAndPullRequests({ q: 'is:issue label:bug' })],
        ['repos/get', () => octokit.rest.repos.get(o)],
        ['issues/list-for-repo', () => octokit.rest.issues.listForRepo({ ...o, state: 'all' })],
        ['issues/get', () => octokit.rest.issues.get({ ...o, issue_number: 1 })],
        ['issues/list-comments', () => octokit.rest.issues.listComments({ ...o, issue_number: 1 })],
        ['issues/create-comment', () => octokit.rest.issues.createComment({ ...o, issue_number: 3, body: 'Thanks!' })],
        ['repos/get-content', () => octokit.rest.repos.getContent({ ...o, path: 'pyproject.toml' })],
        ['repos/get-content', () => octokit.rest.repos.getContent({ ...o, path: 'quickparse' })],
        ['repos/get-branch', () => octokit.rest.repos.getBranch({ ...o, branch: 'main' })],
        ['git/get-ref', () => octokit.rest.git.getRef({ ...o, ref: 'heads/main' })],
        ['git/create-ref', () => octokit.rest.git.createRef({ ...o, ref: 'refs/heads/schema-check', sha: head })],
        ['pulls/list', () => octokit.rest.pulls.list(o)],
        ['pulls/get', () => octokit.rest.pulls.get({ ...o, pull_number: 7 })],
        ['pulls/update', () => octokit.rest.pulls.update({ ...o, pull_number: 7, body: 'Fixes #6 (updated)' })],
        ['checks/list-for-ref', () => octokit.rest.checks.listForRef({ ...o, ref: head })],
        ['repos/create-commit-status', () => octokit.rest.repos.createCommitStatus({ ...o, sha: head, state: 'success', context: 'lint' })],
        ['repos/get-combined-status-for-ref', () => octokit.rest.repos.getCombinedStatusForRef({ ...o, ref: 'main' })],
        ['repos/list-contributors', () => octokit.rest.repos.listContributors(o)],
        ['repos/get-latest-release', () => octokit.rest.repos.getLatestRelease(o)],
        ['repos/create-fork', () => octokit.rest.repos.createFork({ owner: 'tsworks', repo: 'typed-fetch' })],
      ];
      for (const [opId, call] of cases) {
        const res = await call();
        const check = validateResponse(opId, res.status, res.data);
        assert.ok(check.ok, `${opId} ${res.status}: ${check.errors}`);
      }
    });

    test('the validator itself rejects a wrong shape', () => {
      assert.equal(validateResponse('repos/get', 200, { id: 'not-a-number' }).ok, false);
    });

    test('GET repo has the same fields with the same types as the recorded fixture', async () => {
      const require = createRequire(import.meta.url);
      const fixturePath = require.resolve('@octokit/fixtures/scenarios/api.github.com/get-repository/normalized-fixture.json');
      const fixture = (JSON.parse(readFileSync(fixturePath, 'utf8')) as { method: string; path: string; response: Record<string, unknown> }[])
        .find((f) => f.method === 'get' && /^\/repos\/[^/]+\/[^/]+$/.test(f.path));
      assert.ok(fixture);
      const { data } = await octokit.rest.repos.get({ owner: 'pyfoundry', repo: 'quickparse' });
      const ours = data as unknown as Record<string, unknown>;
      const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      const missing: string[] = [];
      for (const [k, v] of Object.entries(fixture.response)) {
        if (!(k in ours)) {
          missing.push(k);
          continue;
        }
        if (v !== null && ours[k] !== null) assert.equal(kind(ours[k]), kind(v), `type of ${k}`);
      }
      // Fields GitHub only sends to organisation members or that the stand-in has no notion of.
      const tolerated = new Set(['organization', 'temp_clone_token', 'security_and_analysis', 'custom_properties']);
      assert.deepEqual(missing.filter((k) => !tolerated.has(k)), []);
    });
  });

  describe('issues REST', () => {
    test('state, labels, since and Link pagination', async () => {
      const o = { owner: 'pyfoundry', repo: 'quickparse' };
      const bugs = await octokit.rest.issues.listForRepo({ ...o, labels: 'bug' });
      assert.ok(bugs.data.every((i) => i.labels.some((l) => (typeof l === 'string' ? l : l.name) === 'bug')));
      const since = await octokit.rest.issues.listForRepo({ ...o, since: '2025-06-06T00:00:00Z', state: 'all' });
      assert.ok(since.data.length > 0 && since.data.every((i) => i.updated_at >= '2025-06-06T00:00:00Z'));
      const all = await octokit.paginate(octokit.rest.issues.listForRepo, { ...o, state: 'all', per_page: 2 });
      assert.equal(all.length, gh.world.raw('pyfoundry', 'quickparse')?.issues.length);
      const locked = await octokit.rest.issues.get({ ...o, issue_number: 4 });
      assert.equal(locked.data.locked, true);
      await assert.rejects(octokit.rest.issues.createComment({ ...o, issue_number: 4, body: 'me too' }), (e: unknown) => statusOf(e) === 403);
    });

    test('a vanished repository answers 404; an archived one refuses writes', async () => {
      await octokit.rest.repos.get({ owner: 'docsmith', repo: 'handbook' });
      gh.world.archive('docsmith', 'handbook');
      const r = await octokit.rest.repos.get({ owner: 'docsmith', repo: 'handbook' });
      assert.equal(r.data.archived, true);
      await assert.rejects(octokit.rest.issues.createComment({ owner: 'docsmith', repo: 'handbook', issue_number: 1, body: 'x' }), (e: unknown) => statusOf(e) === 403);
      gh.world.vanish('docsmith', 'handbook');
      await assert.rejects(octokit.rest.repos.get({ owner: 'docsmith', repo: 'handbook' }), (e: unknown) => statusOf(e) === 404);
    });
  });

  describe('forks', () => {
    test('POST forks answers 202 and the fork is usable only once it is ready', async () => {
      const res = await octokit.rest.repos.createFork({ owner: 'gophers-united', repo: 'fastcache' });
      assert.equal(res.status, 202);
      assert.equal(res.data.full_name, 'globallm-bot/fastcache');
      await assert.rejects(octokit.rest.repos.get({ owner: 'globallm-bot', repo: 'fastcache' }), (e: unknown) => statusOf(e) === 404);
      const early = await fetch(`${gh.gitUrl('globallm-bot', 'fastcache')}/info/refs?service=git-upload-pack`);
      assert.equal(early.status, 404);
      gh.clock.advance(61_000);
      const ready = await octokit.rest.repos.get({ owner: 'globallm-bot', repo: 'fastcache' });
      assert.equal(ready.data.fork, true);
      assert.equal(ready.data.parent?.full_name, 'gophers-united/fastcache');
      const branch = await octokit.rest.repos.getBranch({ owner: 'globallm-bot', repo: 'fastcache', branch: 'main' });
      const upstream = await octokit.rest.repos.getBranch({ owner: 'gophers-united', repo: 'fastcache', branch: 'main' });
      assert.equal(branch.data.commit.sha, upstream.data.commit.sha);
    });

    test('merge-upstream fast-forwards a fork branch that is behind; diverged branches are a 409', async () => {
      const commitOn = async (owner: string, oid: string, path: string): Promise<void> => {
        await octokit.graphql('mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }', { input: {
          branch: { repositoryNameWithOwner: `${owner}/fastcache`, branchName: 'main' }, expectedHeadOid: oid,
          message: { headline: `Add ${path}` }, fileChanges: { additions: [{ path, contents: Buffer.from('x\n').toString('base64') }] },
        } });
      };
      const head = async (owner: string): Promise<string> => (await octokit.rest.repos.getBranch({ owner, repo: 'fastcache', branch: 'main' })).data.commit.sha;
      const same = await octokit.rest.repos.mergeUpstream({ owner: 'globallm-bot', repo: 'fastcache', branch: 'main' });
      assert.equal(same.data.merge_type, 'none');
      await commitOn('gophers-united', await head('gophers-united'), 'upstream-1.txt');
      const synced = await octokit.rest.repos.mergeUpstream({ owner: 'globallm-bot', repo: 'fastcache', branch: 'main' });
      const check = validateResponse('repos/merge-upstream', synced.status, synced.data);
      assert.ok(check.ok, String(check.errors));
      assert.equal(synced.data.merge_type, 'fast-forward');
      assert.equal(await head('globallm-bot'), await head('gophers-united'));
      await commitOn('globallm-bot', await head('globallm-bot'), 'fork-only.txt');
      await commitOn('gophers-united', await head('gophers-united'), 'upstream-2.txt');
      await assert.rejects(octokit.rest.repos.mergeUpstream({ owner: 'globallm-bot', repo: 'fastcache', branch: 'main' }), (e: unknown) => statusOf(e) === 409);
      await assert.rejects(octokit.rest.repos.mergeUpstream({ owner: 'gophers-united', repo: 'fastcache', branch: 'main' }), (e: unknown) => statusOf(e) === 422, 'not a fork');
    });
  });
});
