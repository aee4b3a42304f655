/**
 * Dedupe in one GraphQL query, just before opening: the issue's state, assignees, linked PRs
 * (closing references and timeline cross-references, by anyone), "I'm working on this" comments,
 * our own PR for the branch, our fork and branch head, and our open-PR counts for the caps.
 */
import { NotFound } from '../../errors.js';
import type { RepoRef } from '../types.js';
import type { ExistingWork, PullSummary } from '../writer.js';
import { graphqlRequest, gqlString } from './graphql.js';
import { openPrQuery, pullSummary, type PullNode } from './pulls.js';
import type { GitHubWriteContext } from './write-context.js';

const PR = 'id number url state isDraft headRefName headRefOid author { login }';

const CLAIM = /\b(?:i'?m|i am|i'll|i will|we'?re|we are)\s+(?:currently\s+|already\s+)?(?:working on (?:this|it|a fix)|on it|taking (?:this|it)|fixing (?:this|it)|going to (?:fix|work on|take) (?:this|it))\b|\bpr (?:is )?(?:coming|incoming|on (?:its|the) way)\b|\bassign (?:this|it) to me\b/i;

export function isClaim(text: string): boolean {
  return CLAIM.test(text);
}

export function existingQuery(upstream: RepoRef, issueNumber: number, branch: string, viewer: string): string {
  const o = gqlString(upstream.owner);
  const n = gqlString(upstream.name);
  return `query {
  upstream: repository(owner: ${o}, name: ${n}) {
    id
    defaultBranchRef { name target { oid } }
    issue(number: ${issueNumber}) {
      state
      assignees(first: 10) { nodes { login } }
      closedByPullRequestsReferences(first: 10, includeClosedPrs: false) { nodes { ${PR} } }
      timelineItems(itemTypes: [CROSS_REFERENCED_EVENT, CONNECTED_EVENT], first: 50) {
        nodes { __typename
          ... on CrossReferencedEvent { source { __typename ... on PullRequest { ${PR} } } }
          ... on ConnectedEvent { subject { __typename ... on PullRequest { ${PR} } } } } }
      comments(last: 30) { nodes { author { login } body } }
    }
    pullRequests(headRefName: ${gqlString(branch)}, first: 20, states: [OPEN, CLOSED, MERGED]) { nodes { ${PR} } }
  }
  fork: repository(owner: ${gqlString(viewer)}, name: ${n}) {
    id isFork parent { nameWithOwner } defaultBranchRef { name }
    ref(qualifiedName: ${gqlString(`refs/heads/${branch}`)}) { target { oid } }
  }
  inRepo: search(query: ${gqlString(openPrQuery(viewer, upstream))}, type: ISSUE, first: 1) { issueCount }
  forOwner: search(query: ${gqlString(openPrQuery(viewer, { owner: upstream.owner }))}, type: ISSUE, first: 1) { issueCount }
}`;
}


interface ExistingData {
  upstream: {
    id: string;
    defaultBranchRef: { name: string; target: { oid: string } | null } | null;
    issue: {
      state: 'OPEN' | 'CLOSED';
      assignees: { nodes: { login: string }[] };
      closedByPullRequestsReferences: { nodes: PullNode[] };
      timelineItems: { nodes: ({ __typename: string; source?: Partial<PullNode> & { __typename: string }; subject?: Partial<PullNode> & { __typename: string } })[] };
      comments: { nodes: { author: { login: string } | null; body: string }[] };
    } | null;
    pullRequests: { nodes: PullNode[] };
  } | null;
  fork: {
    id: string;
    isFork: boolean;
    parent: { nameWithOwner: string } | null;
    defaultBranchRef: { name: string } | null;
    ref: { target: { oid: string } | null } | null;
  } | null;
  inRepo: { issueCount: number } | null;
  forOwner: { issueCount: number } | null;
}

export interface ExistingWithIds extends ExistingWork {
  upstreamId: string;
}

export async function findExisting(ctx: GitHubWriteContext, upstream: RepoRef, issueNumber: number, branch: string): Promise<ExistingWithIds> {
  const viewer = await ctx.viewer();
  const res = await graphqlRequest<ExistingData>(ctx.octokit, existingQuery(upstream, issueNumber, branch, viewer), {}, `checking existing work on ${upstream.owner}/${upstream.name}#${issueNumber}`);
  const up = res.data?.upstream;
  if (!up) throw new NotFound(`repository ${upstream.owner}/${upstream.name} not found`);
  const issue = up.issue;
  if (!issue) throw new NotFound(`issue ${upstream.owner}/${upstream.name}#${issueNumber} not found`);
  const me = viewer.toLowerCase();
  const linked = new Map<number, PullSummary>();
  const add = (p: Partial<PullNode> | undefined): void => {
    if (!p || typeof p.number !== 'number' || !p.id || !p.url || !p.state) return;
    linked.set(p.number, pullSummary({ id: p.id, number: p.number, url: p.url, state: p.state, isDraft: p.isDraft ?? false, headRefName: p.headRefName ?? '', author: p.author ?? null, ...(p.headRefOid ? { headRefOid: p.headRefOid } : {}) }));
  };
  for (const p of issue.closedByPullRequestsReferences.nodes) add(p);
  for (const t of issue.timelineItems.nodes) {
    const pr = t.source?.__typename === 'PullRequest' ? t.source : t.subject?.__typename === 'PullRequest' ? t.subject : undefined;
    add(pr);
  }
  const own = up.pullRequests.nodes.filter((p) => p.headRefName === branch && p.author?.login.toLowerCase() === me);
  const ownPick = own.find((p) => p.state === 'OPEN') ?? own.at(-1);
  const fork = res.data?.fork;
  const forkOk = fork?.isFork === true && fork.parent?.nameWithOwner.toLowerCase() === `${upstream.owner}/${upstream.name}`.toLowerCase() && fork.defaultBranchRef !== null;
  return {
    upstreamId: up.id,
    viewer,
    issueOpen: issue.state === 'OPEN',
    assignees: issue.assignees.nodes.map((a) => a.login).filter((l) => l.toLowerCase() !== me),
    linkedByOthers: [...linked.values()].filter((p) => p.state !== 'CLOSED' && p.author?.toLowerCase() !== me),
    claimedBy: [...new Set(issue.comments.nodes.filter((c) => c.author && c.author.login.toLowerCase() !== me && isClaim(c.body)).map((c) => c.author?.login ?? ''))],
    ownPull: ownPick ? pullSummary(ownPick) : null,
    ownBranchOid: forkOk ? fork.ref?.target?.oid ?? null : null,
    fork: forkOk ? { owner: viewer, name: upstream.name, defaultBranch: fork.defaultBranchRef?.name ?? 'main', nodeId: fork.id, created: false } : null,
    upstreamDefaultBranch: up.defaultBranchRef?.name ?? 'main',
    upstreamBaseOid: up.defaultBranchRef?.target?.oid ?? null,
    openPrsInRepo: res.data?.inRepo?.issueCount ?? 0,
    openPrsForOwner: res.data?.forOwner?.issueCount ?? 0,
  };
}
