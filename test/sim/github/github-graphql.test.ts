import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubStandIn, type GitHubStandIn } from '../../../src/sim/github/server.js';
import { Clock } from '../../../src/sim/github/clock.js';
import { generateSyntheticRepos, WORLD_AUTHORED_AT } from '../../../src/sim/world/seed.js';
import { client } from '../../helpers/github-helpers.js';

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: unknown; errors?: { message: string; type?: string }[] } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; type?: string }[] } };
}

describe('GitHub stand-in GraphQL', () => {
  let gh: GitHubStandIn;
  let octokit: ReturnType<typeof client>;

  before(async () => {
    gh = await startGitHubStandIn({ clock: Clock.startingAt(Date.parse(WORLD_AUTHORED_AT)) });
    await generateSyntheticRepos(gh.world, 30, 3);
    octokit = client(gh.url);
  });
  after(async () => {
    await gh.close();
  });

  test('a document that does not fit GitHub\'s schema is rejected by validation', async () => {
    const { status, body } = await post(gh.graphqlUrl, '{ repository(owner: "pyfoundry", name: "quickparse") { starCount } }');
    assert.equal(status, 200);
    assert.match(body.errors?.[0]?.message ?? '', /Cannot query field "starCount" on type "Repository"/);
    assert.equal(body.data, undefined);
    const wrongArg = await post(gh.graphqlUrl, '{ repository(owner: 1, name: "quickparse") { name } }');
    assert.match(wrongArg.body.errors?.[0]?.message ?? '', /String/);
    const parseErr = await post(gh.graphqlUrl, '{ repository(owner: "a" ');
    assert.match(parseErr.body.errors?.[0]?.message ?? '', /Parse error/);
    await assert.rejects(octokit.graphql('{ viewer { loginName } }'), /Cannot query field/);
  });

  test('connections need first/last, at most 100', async () => {
    const { body } = await post(gh.graphqlUrl, '{ repository(owner: "pyfoundry", name: "quickparse") { issues { nodes { title } } } }');
    assert.match(body.errors?.[0]?.message ?? '', /must provide a `first` or `last`/);
    const big = await post(gh.graphqlUrl, '{ repository(owner: "pyfoundry", name: "quickparse") { issues(first: 101) { nodes { title } } } }');
    assert.match(big.body.errors?.[0]?.message ?? '', /exceeds the `first` limit of 100/);
    const countOnly = await post(gh.graphqlUrl, '{ repository(owner: "pyfoundry", name: "quickparse") { issues(states: OPEN) { totalCount } } }');
    assert.deepEqual(countOnly.body.data, { repository: { issues: { totalCount: 6 } } });
  });

  test('repository signals, issues with linked PRs and comments, tree, history', async () => {
    const q = `query($owner: String!, $name: String!) {
      rateLimit { cost remaining limit used resetAt }
      r0: repository(owner: $owner, name: $name) {
        stargazerCount forkCount watchers { totalCount } isArchived isFork isDisabled isTemplate
        primaryLanguage { name } languages(first: 5) { totalSize edges { size node { name } } }
        repositoryTopics(first: 10) { nodes { topic { name } } } pushedAt createdAt licenseInfo { spdxId } hasIssuesEnabled
        latestRelease { tagName publishedAt } releases(first: 5, orderBy: { field: CREATED_AT, direction: DESC }) { totalCount nodes { tagName } }
        pullRequests(states: OPEN) { totalCount } mentionableUsers { totalCount }
        issues(states: OPEN, first: 10, orderBy: { field: CREATED_AT, direction: ASC }, filterBy: { since: "2025-06-04T00:00:00Z" }) {
          totalCount pageInfo { hasNextPage endCursor }
          nodes { number authorAssociation locked assignees(first: 5) { nodes { login } } labels(first: 5) { nodes { name } }
            reactions { totalCount } comments(first: 5) { totalCount nodes { body authorAssociation author { login } } }
            timelineItems(first: 10, itemTypes: [CROSS_REFERENCED_EVENT, CONNECTED_EVENT]) { nodes { __typename ... on CrossReferencedEvent { source { ... on PullRequest { number } } } } }
            closedByPullRequestsReferences(first: 5) { nodes { number state } } }
        }
        defaultBranchRef { name target { ... on Commit { oid history(since: "2025-01-01T00:00:00Z", first: 10) { totalCount nodes { author { user { login } email name } committedDate } } statusCheckRollup { state } } } }
        object(expression: "HEAD:") { ... on Tree { entries { name type } } }
      }
      r1: repository(owner: "tsworks", name: "typed-fetch") { object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name } } } }
    }`;
    interface IssueNode { number: number; closedByPullRequestsReferences: { nodes: unknown[] }; timelineItems: { nodes: { __typename: string }[] }; comments: { nodes: { body: string }[] } }
    interface Answer {
      rateLimit: { cost: number; limit: number };
      r0: {
        stargazerCount: number; primaryLanguage: { name: string }; repositoryTopics: { nodes: { topic: { name: string } }[] };
        latestRelease: { tagName: string }; pullRequests: { totalCount: number }; issues: { nodes: IssueNode[] };
        defaultBranchRef: { target: { history: { totalCount: number; nodes: { author: { user: { login: string } } }[] } } };
        object: { entries: { name: string }[] };
      };
      r1: { object: { entries: { name: string }[] } };
    }
    const d = await octokit.graphql<Answer>(q, { owner: 'pyfoundry', name: 'quickparse' });
    const r = d.r0;
    assert.equal(r.stargazerCount, 2400);
    assert.equal(r.primaryLanguage.name, 'Python');
    assert.deepEqual(r.repositoryTopics.nodes.map((n: { topic: { name: string } }) => n.topic.name), ['python', 'parser', 'config']);
    assert.equal(r.latestRelease.tagName, 'v1.3.0');
    assert.equal(r.pullRequests.totalCount, 1);
    const numbers = r.issues.nodes.map((i: { number: number }) => i.number);
    assert.deepEqual(numbers, [3, 5, 6], 'since filters by updatedAt; PRs are not issues');
    const linked = r.issues.nodes.find((i) => i.number === 6);
    assert.ok(linked);
    assert.deepEqual(linked.closedByPullRequestsReferences.nodes, [{ number: 7, state: 'OPEN' }]);
    assert.deepEqual(linked.timelineItems.nodes.map((n: { __typename: string }) => n.__typename).sort(), ['ConnectedEvent', 'CrossReferencedEvent']);
    const claimed = r.issues.nodes.find((i) => i.number === 5);
    assert.match(claimed?.comments.nodes[0]?.body ?? '', /I'm working on this/);
    const hist = r.defaultBranchRef.target.history;
    assert.equal(hist.totalCount, 3);
    assert.deepEqual(hist.nodes.map((n: { author: { user: { login: string } } }) => n.author.user.login), ['alice', 'carol', 'bob']);
    assert.deepEqual(r.object.entries.map((e: { name: string }) => e.name), ['CHANGELOG.md', 'LICENSE', 'README.md', 'pyproject.toml', 'quickparse', 'tests']);
    assert.deepEqual(d.r1.object.entries, [{ name: 'ci.yml' }]);
    assert.equal(d.rateLimit.cost, 1);
    assert.equal(d.rateLimit.limit, 5000);
  });

  test('cost grows with nested connections and is charged to the graphql budget', async () => {
    gh.resetCounters();
    const q = '{ rateLimit { cost } search(query: "synthetic", type: REPOSITORY, first: 100) { repositoryCount nodes { ... on Repository { issues(first: 100) { totalCount nodes { number labels(first: 10) { totalCount } } } } } } }';
    const { body } = await post(gh.graphqlUrl, q);
    const cost = (body.data as { rateLimit: { cost: number } }).rateLimit.cost;
    assert.ok(cost > 1, `cost ${cost}`);
    assert.equal(gh.counters.graphql_points, cost);
    assert.equal(gh.counters.graphql_requests, 1);
  });

  test('search by type with counts and cursors', async () => {
    const q = 'query($after: String) { search(query: "is:issue label:bug", type: ISSUE, first: 8, after: $after) { issueCount pageInfo { hasNextPage endCursor } nodes { ... on Issue { number labels(first: 3) { nodes { name } } } } } }';
    const seen: number[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const d: { search: { issueCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { labels: { nodes: { name: string }[] } }[] } } = await octokit.graphql(q, { after });
      total = d.search.issueCount;
      for (const n of d.search.nodes) {
        assert.ok(n.labels.nodes.some((l) => l.name === 'bug'));
        seen.push(1);
      }
      if (!d.search.pageInfo.hasNextPage) break;
      after = d.search.pageInfo.endCursor;
    }
    assert.equal(seen.length, total);
    assert.ok(total >= 5);
  });

  test('unknown repositories give NOT_FOUND; unimplemented fields fail loudly', async () => {
    const nf = await post(gh.graphqlUrl, '{ repository(owner: "nobody", name: "nothing") { name } }');
    assert.equal(nf.body.errors?.[0]?.type, 'NOT_FOUND');
    const ni = await post(gh.graphqlUrl, '{ repository(owner: "pyfoundry", name: "quickparse") { codeOfConduct { name } } }');
    assert.match(ni.body.errors?.[0]?.message ?? '', /Repository\.codeOfConduct is not implemented by the stand-in/);
  });

  test('addComment, createPullRequest, markPullRequestReadyForReview, enablePullRequestAutoMerge and mergePullRequest', async () => {
    const ids = await octokit.graphql<{ repository: { id: string; issue: { id: string } } }>('{ repository(owner: "pyfoundry", name: "quickparse") { id issue(number: 2) { id } } }');
    const added = await octokit.graphql<{ addComment: { commentEdge: { node: { body: string; author: { login: string } } } } }>('mutation($id: ID!) { addComment(input: { subjectId: $id, body: "On it" }) { commentEdge { node { body author { login } } } } }', { id: ids.repository.issue.id });
    assert.deepEqual(added.addComment.commentEdge.node, { body: 'On it', author: { login: 'globallm-bot' } });
    assert.equal(gh.world.raw('pyfoundry', 'quickparse')?.issues[1]?.comments.at(-1)?.body, 'On it');

    const branch = await octokit.graphql<{ repository: { defaultBranchRef: { target: { oid: string } } } }>('{ repository(owner: "pyfoundry", name: "quickparse") { defaultBranchRef { target { ... on Commit { oid } } } } }');
    await octokit.rest.git.createRef({ owner: 'pyfoundry', repo: 'quickparse', ref: 'refs/heads/gql-pr', sha: branch.repository.defaultBranchRef.target.oid });
    await octokit.graphql('mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }', { input: {
      branch: { repositoryNameWithOwner: 'pyfoundry/quickparse', branchName: 'gql-pr' }, expectedHeadOid: branch.repository.defaultBranchRef.target.oid,
      message: { headline: 'Support inline comments' }, fileChanges: { additions: [{ path: 'inline.txt', contents: Buffer.from('x').toString('base64') }] },
    } });
    const pr = await octokit.graphql<{ createPullRequest: { pullRequest: { id: string; number: number; headRefOid: string } } }>('mutation($repo: ID!) { createPullRequest(input: { repositoryId: $repo, baseRefName: "main", headRefName: "gql-pr", title: "Inline comments", body: "Fixes #2", draft: true }) { pullRequest { id number headRefOid } } }', { repo: ids.repository.id });
    const enable = (id: string): Promise<{ enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { mergeMethod: string } | null; state: string } } }> =>
      octokit.graphql('mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { pullRequest { state autoMergeRequest { mergeMethod } } } }', { id });
    await assert.rejects(enable(pr.createPullRequest.pullRequest.id), /draft state/, 'a draft cannot be set to merge itself');
    const ready = await octokit.graphql<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean } } }>('mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }', { id: pr.createPullRequest.pullRequest.id });
    assert.equal(ready.markPullRequestReadyForReview.pullRequest.isDraft, false);
    await assert.rejects(enable(pr.createPullRequest.pullRequest.id), /clean status/, 'nothing blocks the merge: GitHub refuses auto-merge');
    const repo = gh.world.raw('pyfoundry', 'quickparse');
    assert.ok(repo);
    repo.requiredChecks = ['ci'];
    try {
      const auto = await enable(pr.createPullRequest.pullRequest.id);
      assert.equal(auto.enablePullRequestAutoMerge.pullRequest.autoMergeRequest?.mergeMethod, 'SQUASH');
      await octokit.rest.repos.createCommitStatus({ owner: 'pyfoundry', repo: 'quickparse', sha: pr.createPullRequest.pullRequest.headRefOid, state: 'pending', context: 'ci' });
      assert.equal((await octokit.rest.pulls.get({ owner: 'pyfoundry', repo: 'quickparse', pull_number: pr.createPullRequest.pullRequest.number })).data.merged, false, 'waits for the required check');
      await octokit.rest.repos.createCommitStatus({ owner: 'pyfoundry', repo: 'quickparse', sha: pr.createPullRequest.pullRequest.headRefOid, state: 'success', context: 'ci' });
      const after = await octokit.rest.pulls.get({ owner: 'pyfoundry', repo: 'quickparse', pull_number: pr.createPullRequest.pullRequest.number });
      assert.equal(after.data.merged, true, 'auto-merge fired once checks passed');
    } finally {
      repo.requiredChecks = [];
    }
    // Nothing blocks a merge here: mergePullRequest merges at once, and only the head we expect.
    await octokit.rest.git.createRef({ owner: 'pyfoundry', repo: 'quickparse', ref: 'refs/heads/gql-merge', sha: branch.repository.defaultBranchRef.target.oid });
    await octokit.graphql('mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }', { input: {
      branch: { repositoryNameWithOwner: 'pyfoundry/quickparse', branchName: 'gql-merge' }, expectedHeadOid: branch.repository.defaultBranchRef.target.oid,
      message: { headline: 'Another change' }, fileChanges: { additions: [{ path: 'another.txt', contents: Buffer.from('y').toString('base64') }] },
    } });
    const second = await octokit.graphql<{ createPullRequest: { pullRequest: { id: string; headRefOid: string } } }>('mutation($repo: ID!) { createPullRequest(input: { repositoryId: $repo, baseRefName: "main", headRefName: "gql-merge", title: "Another" }) { pullRequest { id headRefOid } } }', { repo: ids.repository.id });
    const merge = (oid: string): Promise<{ mergePullRequest: { pullRequest: { state: string } } }> =>
      octokit.graphql('mutation($id: ID!, $oid: GitObjectID!) { mergePullRequest(input: { pullRequestId: $id, mergeMethod: SQUASH, expectedHeadOid: $oid }) { pullRequest { state } } }', { id: second.createPullRequest.pullRequest.id, oid });
    await assert.rejects(merge(branch.repository.defaultBranchRef.target.oid), /Head branch was modified/);
    assert.equal((await merge(second.createPullRequest.pullRequest.headRefOid)).mergePullRequest.pullRequest.state, 'MERGED');
    await assert.rejects(octokit.graphql('mutation { enablePullRequestAutoMerge(input: { pullRequestId: "bm9wZQ==" }) { clientMutationId } }'), /Could not resolve/);
  });
});
