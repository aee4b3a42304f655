import { logger } from '../../log.js';
import { refKey, type ForgeIssue, type IssueRequest, type IssuesResult, type LinkedPullRequest } from '../types.js';
import type { GitHubOctokit } from './client.js';
import { gqlString, graphqlRequest } from './graphql.js';
import { IssueNode, IssuePage } from './schema.js';

const log = logger.child({ component: 'github-issues' });

/** Repositories per intake query and issues per repository per page. */
export const ISSUE_REPOS_PER_QUERY = 10;
export const ISSUES_PER_PAGE = 50;

const ISSUE_FRAGMENT = `
fragment IssueFields on Issue {
  number title body state locked
  author { login }
  authorAssociation createdAt updatedAt
  labels(first: 20) { nodes { name } }
  assignees(first: 5) { nodes { login } }
  reactions { totalCount }
  comments(last: 20) { totalCount nodes { author { login } authorAssociation body createdAt } }
  closedByPullRequestsReferences(first: 5) { nodes { number state } }
  timelineItems(first: 10, itemTypes: [CROSS_REFERENCED_EVENT, CONNECTED_EVENT]) {
    nodes {
      ... on CrossReferencedEvent { source { ... on PullRequest { number state } } }
      ... on ConnectedEvent { subject { ... on PullRequest { number state } } }
    }
  }
}`;

interface Pending {
  req: IssueRequest;
  after: string | null;
  issues: ForgeIssue[];
}

function aliasSelection(p: Pending, i: number): string {
  const states = p.req.since === undefined ? '[OPEN]' : '[OPEN, CLOSED]';
  const filter = p.req.since === undefined ? '' : `, filterBy: { since: ${gqlString(p.req.since)} }`;
  const after = p.after === null ? '' : `, after: ${gqlString(p.after)}`;
  return `  r${i}: repository(owner: ${gqlString(p.req.ref.owner)}, name: ${gqlString(p.req.ref.name)}) {
    issues(first: ${ISSUES_PER_PAGE}, states: ${states}${filter}${after}, orderBy: { field: UPDATED_AT, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes { ...IssueFields }
    }
  }`;
}

function linkedPulls(n: IssueNode): LinkedPullRequest[] {
  const seen = new Map<number, LinkedPullRequest>();
  const add = (p: { number?: number | undefined; state?: 'OPEN' | 'CLOSED' | 'MERGED' | undefined } | null | undefined): void => {
    if (p?.number !== undefined && p.state !== undefined && !seen.has(p.number)) seen.set(p.number, { number: p.number, state: p.state });
  };
  for (const p of n.closedByPullRequestsReferences?.nodes ?? []) add(p);
  for (const t of n.timelineItems.nodes) {
    add(t?.source);
    add(t?.subject);
  }
  return [...seen.values()];
}

export function issueFromNode(raw: unknown): ForgeIssue {
  const n = IssueNode.parse(raw);
  return {
    number: n.number,
    title: n.title,
    body: n.body ?? '',
    state: n.state === 'OPEN' ? 'open' : 'closed',
    isPullRequest: false,
    locked: n.locked,
    labels: (n.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])),
    reactions: n.reactions.totalCount,
    commentCount: n.comments.totalCount,
    recentComments: n.comments.nodes.flatMap((c) => (c ? [{ author: c.author?.login ?? null, authorAssociation: c.authorAssociation, body: c.body, createdAt: c.createdAt }] : [])),
    author: n.author?.login ?? null,
    authorAssociation: n.authorAssociation,
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
    assignees: n.assignees.nodes.flatMap((a) => (a ? [a.login] : [])),
    linkedPullRequests: linkedPulls(n),
  };
}

/**
 * Issues of many repositories, ISSUE_REPOS_PER_QUERY per GraphQL query; repositories with more
 * pages are followed in later rounds. Pull requests never appear (GitHub's `issues` excludes them).
 */
export async function fetchIssues(octokit: GitHubOctokit, requests: readonly IssueRequest[]): Promise<Map<string, IssuesResult>> {
  const out = new Map<string, IssuesResult>();
  let pending: Pending[] = requests.map((req) => ({ req, after: null, issues: [] }));
  while (pending.length > 0) {
    const next: Pending[] = [];
    for (let start = 0; start < pending.length; start += ISSUE_REPOS_PER_QUERY) {
      const batch = pending.slice(start, start + ISSUE_REPOS_PER_QUERY);
      const query = `query OpenIssues {\n${batch.map(aliasSelection).join('\n')}\n}\n${ISSUE_FRAGMENT}`;
      const body = await graphqlRequest<Record<string, unknown>>(octokit, query, {}, 'reading issues');
      batch.forEach((p, i) => {
        const alias = `r${i}`;
        const node = body.data?.[alias];
        const key = refKey(p.req.ref);
        if (node === null || node === undefined) {
          const err = body.errors.find((e) => e.path?.[0] === alias);
          out.set(key, { kind: 'gone', reason: err?.type === 'FORBIDDEN' ? 'forbidden' : 'not_found', message: err?.message ?? 'repository not found' });
          return;
        }
        const page = IssuePage.parse(node);
        for (const raw of page.issues.nodes) {
          try {
            p.issues.push(issueFromNode(raw));
          } catch (e) {
            log.warn({ repo: key, err: e instanceof Error ? e.message : String(e) }, 'issue payload failed validation; skipped');
          }
        }
        if (page.issues.pageInfo.hasNextPage && page.issues.pageInfo.endCursor !== null) next.push({ ...p, after: page.issues.pageInfo.endCursor });
        else out.set(key, { kind: 'ok', issues: p.issues });
      });
    }
    pending = next;
  }
  return out;
}
