/** Pull requests: open (GraphQL, returns the node id auto-merge needs), find, update, follow up, count. */
import { NotFound, Unavailable, UsageError } from '../../errors.js';
import type { RepoRef } from '../types.js';
import type { IssueClosure, OpenPullInput, OpenPullResult, PullState, PullSummary, PullUpdate } from '../writer.js';
import { toForgeError } from './errors.js';
import { graphqlRequest, gqlString } from './graphql.js';
import { type GitHubWriteContext } from './write-context.js';

const PULL_FIELDS = 'id number url state isDraft headRefName headRefOid author { login }';

export interface PullNode {
  id: string;
  number: number;
  url: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  headRefName: string;
  headRefOid?: string;
  author: { login: string } | null;
}

export function pullSummary(n: PullNode): PullSummary {
  return { number: n.number, url: n.url, state: n.state, author: n.author?.login ?? null, headRefName: n.headRefName, isDraft: n.isDraft, nodeId: n.id, ...(n.headRefOid ? { headOid: n.headRefOid } : {}) };
}

async function repositoryId(ctx: GitHubWriteContext, repo: RepoRef): Promise<string> {
  const res = await graphqlRequest<{ repository: { id: string } | null }>(ctx.octokit, `query { repository(owner: ${gqlString(repo.owner)}, name: ${gqlString(repo.name)}) { id } }`, {}, `reading ${repo.owner}/${repo.name}`);
  const id = res.data?.repository?.id;
  if (!id) throw new NotFound(`repository ${repo.owner}/${repo.name} not found`);
  return id;
}

const CREATE_PR = `mutation Open($input: CreatePullRequestInput!) { createPullRequest(input: $input) { pullRequest { ${PULL_FIELDS} } } }`;

export async function openPullRequest(ctx: GitHubWriteContext, input: OpenPullInput & { upstreamId?: string }): Promise<OpenPullResult> {
  const upstreamId = input.upstreamId ?? (await repositoryId(ctx, input.upstream));
  await ctx.budget.acquire(`pull request ${input.upstream.owner}/${input.upstream.name}#${input.issueNumber}`);
  const res = await graphqlRequest<{ createPullRequest: { pullRequest: PullNode | null } | null }>(ctx.octokit, CREATE_PR, {
    input: {
      repositoryId: upstreamId,
      baseRefName: input.baseBranch,
      // "owner:branch" names a head in another repository of the same network (our fork).
      headRefName: `${input.headOwner}:${input.branch}`,
      title: input.title,
      body: input.body,
      draft: input.draft,
      maintainerCanModify: true,
    },
  }, `opening a pull request on ${input.upstream.owner}/${input.upstream.name}`);
  const node = res.data?.createPullRequest?.pullRequest;
  if (node) return { ok: true, pull: pullSummary(node) };
  const message = res.errors.map((e) => e.message).join('; ') || 'no pull request returned';
  const type = res.errors[0]?.type;
  if (/already exists/i.test(message)) return { ok: false, reason: 'already_exists', message };
  if (/no commits between/i.test(message)) return { ok: false, reason: 'no_commits', message };
  if (type === 'UNPROCESSABLE') return { ok: false, reason: 'invalid', message };
  if (type === 'NOT_FOUND') throw new NotFound(`opening a pull request on ${input.upstream.owner}/${input.upstream.name}: ${message}`);
  if (type === 'FORBIDDEN') throw new UsageError(`the forge forbids a pull request on ${input.upstream.owner}/${input.upstream.name}: ${message}`);
  throw new Unavailable(`opening a pull request on ${input.upstream.owner}/${input.upstream.name}: ${message}`);
}

export async function findOwnPull(ctx: GitHubWriteContext, upstream: RepoRef, headOwner: string, branch: string): Promise<PullSummary | null> {
  const q = `query { repository(owner: ${gqlString(upstream.owner)}, name: ${gqlString(upstream.name)}) {
    pullRequests(headRefName: ${gqlString(branch)}, first: 20, states: [OPEN, CLOSED, MERGED]) { nodes { ${PULL_FIELDS} } } } }`;
  const res = await graphqlRequest<{ repository: { pullRequests: { nodes: PullNode[] } } | null }>(ctx.octokit, q, {}, `listing pull requests of ${upstream.owner}/${upstream.name}`);
  const mine = (res.data?.repository?.pullRequests.nodes ?? []).filter((n) => n.headRefName === branch && n.author?.login.toLowerCase() === headOwner.toLowerCase());
  const pick = mine.find((n) => n.state === 'OPEN') ?? mine.at(-1);
  return pick ? pullSummary(pick) : null;
}

export async function updatePullRequest(ctx: GitHubWriteContext, upstream: RepoRef, number: number, update: PullUpdate): Promise<void> {
  if (update.title === undefined && update.body === undefined && update.state === undefined) return;
  await ctx.budget.acquire(`update ${upstream.owner}/${upstream.name}#${number}`);
  try {
    await ctx.octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { owner: upstream.owner, repo: upstream.name, pull_number: number, ...update });
  } catch (err) {
    throw toForgeError(err, `updating ${upstream.owner}/${upstream.name}#${number}`);
  }
}

/** Labels on our PR (an issue write on GitHub; missing labels are created by GitHub). */
export async function addLabels(ctx: GitHubWriteContext, upstream: RepoRef, number: number, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return;
  await ctx.octokit.rest.issues.addLabels({ owner: upstream.owner, repo: upstream.name, issue_number: number, labels: [...labels] });
}

interface StateNode {
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  mergedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  comments: { nodes: { author: { login: string } | null; authorAssociation: string; body: string; createdAt: string }[] };
}

export async function pullRequestState(ctx: GitHubWriteContext, upstream: RepoRef, number: number): Promise<PullState> {
  const q = `query { repository(owner: ${gqlString(upstream.owner)}, name: ${gqlString(upstream.name)}) {
    pullRequest(number: ${number}) { number state isDraft mergedAt closedAt updatedAt
      comments(last: 50) { nodes { author { login } authorAssociation body createdAt } } } } }`;
  const res = await graphqlRequest<{ repository: { pullRequest: StateNode | null } | null }>(ctx.octokit, q, {}, `reading ${upstream.owner}/${upstream.name}#${number}`);
  const pr = res.data?.repository?.pullRequest;
  if (!pr) throw new NotFound(`pull request ${upstream.owner}/${upstream.name}#${number} not found: ${res.errors.map((e) => e.message).join('; ')}`);
  return {
    number: pr.number, state: pr.state, isDraft: pr.isDraft, mergedAt: pr.mergedAt, closedAt: pr.closedAt, updatedAt: pr.updatedAt,
    comments: pr.comments.nodes.map((c) => ({ author: c.author?.login ?? null, association: c.authorAssociation, body: c.body, createdAt: c.createdAt })),
  };
}

/** Search qualifiers for our open PRs in one repository or across one owner's repositories. */
export function openPrQuery(viewer: string, scope: { owner: string; name?: string }): string {
  return `is:pr is:open author:${viewer} ${scope.name ? `repo:${scope.owner}/${scope.name}` : `user:${scope.owner}`}`;
}

export async function countOpenPullRequestsByUs(ctx: GitHubWriteContext, scope: { owner: string; name?: string }): Promise<number> {
  const viewer = await ctx.viewer();
  const q = `query { search(query: ${gqlString(openPrQuery(viewer, scope))}, type: ISSUE, first: 1) { issueCount } }`;
  const res = await graphqlRequest<{ search: { issueCount: number } }>(ctx.octokit, q, {}, 'counting our open pull requests');
  return res.data?.search.issueCount ?? 0;
}

/** The issue's state and the merged PRs that closed it. */
export async function issueClosure(ctx: GitHubWriteContext, upstream: RepoRef, issueNumber: number): Promise<IssueClosure> {
  const q = `query { repository(owner: ${gqlString(upstream.owner)}, name: ${gqlString(upstream.name)}) {
    issue(number: ${issueNumber}) { state closedByPullRequestsReferences(first: 10, includeClosedPrs: true) { nodes { number merged } } } } }`;
  const res = await graphqlRequest<{ repository: { issue: { state: 'OPEN' | 'CLOSED'; closedByPullRequestsReferences: { nodes: { number: number; merged: boolean }[] } } | null } | null }>(ctx.octokit, q, {}, `reading ${upstream.owner}/${upstream.name}#${issueNumber}`);
  const issue = res.data?.repository?.issue;
  if (!issue) throw new NotFound(`issue ${upstream.owner}/${upstream.name}#${issueNumber} not found: ${res.errors.map((e) => e.message).join('; ')}`);
  return { open: issue.state === 'OPEN', mergedPulls: issue.closedByPullRequestsReferences.nodes.filter((n) => n.merged).map((n) => n.number) };
}

export async function commentOnPullRequest(ctx: GitHubWriteContext, upstream: RepoRef, number: number, body: string): Promise<void> {
  await ctx.budget.acquire(`comment ${upstream.owner}/${upstream.name}#${number}`);
  try {
    await ctx.octokit.rest.issues.createComment({ owner: upstream.owner, repo: upstream.name, issue_number: number, body });
  } catch (err) {
    throw toForgeError(err, `commenting on ${upstream.owner}/${upstream.name}#${number}`);
  }
}
