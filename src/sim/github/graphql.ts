/**
 * GraphQL endpoint: documents are validated against GitHub's published schema and executed
 * with graphql-js. Only the fields the project uses are implemented; any other field fails
 * with a clear "not implemented by the stand-in" error instead of returning null.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema, execute, parse, validate, Kind, OperationTypeNode,
  type DocumentNode, type GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { ApiError } from './api-error.js';
import { computeCost } from './gql-cost.js';
import { countCommits, history, lsTree, readBlob, resolveRef, updateRef, writeCommit, type CommitInfo } from './gitops.js';
import type { RateLimiter } from './limits.js';
import { createPull, enableAutoMerge, markReadyForReview, mergePull } from './pulls.js';
import { filterIssues, filterRepos, parseQuery, QueryError, sortIssues, sortQualifier, sortRepos } from './search.js';
import type { CommentRec, IssueRec, RepoRec, World } from './world.js';

let cached: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!cached) {
    const entry = new URL(import.meta.resolve('@octokit/graphql-schema'));
    const idl = readFileSync(new URL('./schema.graphql', entry), 'utf8');
    cached = buildSchema(idl, { assumeValidSDL: true });
  }
  return cached;
}

export interface GqlContext {
  world: World;
  limiter: RateLimiter;
  viewer: string;
  web: string;
  cost: number;
  nodeCount: number;
  /** Counts a content-creating mutation against the secondary limit; throws when over. */
  takeContent: () => void;
}

/** An error GitHub reports with a `type` (NOT_FOUND, UNPROCESSABLE, …). */
class TypedError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
type Args = Record<string, unknown>;

function encodeId(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`).toString('base64');
}

function decodeId(id: unknown): { kind: string; value: string } {
  const text = Buffer.from(String(id), 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) throw new TypedError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
  return { kind: text.slice(0, i), value: text.slice(i + 1) };
}

const cursor = (i: number): string => Buffer.from(`cursor:v2:${i}`).toString('base64');
const uncursor = (c: unknown): number => {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(String(c), 'base64').toString('utf8'));
  if (!m) throw new TypedError('INVALID_CURSOR_ARGUMENTS', `\`${String(c)}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
};

/** A connection over a known list: totalCount, nodes, edges and pageInfo with real cursors. */
function connection<T>(items: T[], args: Args, map: (t: T) => unknown, extra: Obj = {}): Obj {
  let start = args['after'] !== undefined && args['after'] !== null ? uncursor(args['after']) + 1 : 0;
  let end = args['before'] !== undefined && args['before'] !== null ? uncursor(args['before']) : items.length;
  if (typeof args['first'] === 'number') end = Math.min(end, start + args['first']);
  else if (typeof args['last'] === 'number') start = Math.max(start, end - args['last']);
  const slice = items.slice(start, end);
  const nodes = (): unknown[] => slice.map(map);
  return {
    ...extra,
    totalCount: items.length,
    nodes,
    edges: () => slice.map((t, i) => ({ cursor: cursor(start + i), node: map(t) })),
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: slice.length ? cursor(start) : null, endCursor: slice.length ? cursor(end - 1) : null },
  };
}

/** A connection whose members the stand-in does not model: only totalCount is available. */
function countOnly(total: number): Obj {
  return { totalCount: total };
}

function actor(ctx: GqlContext, login: string): Obj {
  const u = ctx.world.user(login);
  return { __typename: u.type === 'Organization' ? 'Organization' : u.type === 'Bot' ? 'Bot' : 'User', login: u.login, id: encodeId('U', u.login), databaseId: u.id, url: `${ctx.web}/${u.login}`, avatarUrl: `${ctx.web}/avatars/u/${u.id}`, name: u.name, email: u.email ?? '' };
}

function commitNode(ctx: GqlContext, repo: RepoRec, c: CommitInfo): Obj {
  const author = (name: string, email: string, date: string): Obj => {
    const login = ctx.world.loginForEmail(email);
    return { name, email, date, user: login ? actor(ctx, login) : null };
  };
  return {
    __typename: 'Commit', id: encodeId('C', `${repo.owner}/${repo.name}@${c.sha}`), oid: c.sha, abbreviatedOid: c.sha.slice(0, 7),
    message: c.message, messageHeadline: c.message.split('\n')[0] ?? '', committedDate: c.committerDate, authoredDate: c.authorDate,
    url: `${ctx.web}/${repo.owner}/${repo.name}/commit/${c.sha}`,
    author: author(c.authorName, c.authorEmail, c.authorDate), committer: author(c.committerName, c.committerEmail, c.committerDate),
    history: async (args: Args) => {
      if (!repo.gitDir) return connection([], args, (x) => x);
      const since = typeof args['since'] === 'string' ? args['since'] : undefined;
      const total = await countCommits(repo.gitDir, c.sha, since);
      const first = typeof args['first'] === 'number' ? args['first'] : 0;
      const offset = args['after'] ? uncursor(args['after']) + 1 : 0;
      const list = first > 0 ? await history(repo.gitDir, c.sha, { ...(since ? { since } : {}), limit: offset + first }) : [];
      const padded: (CommitInfo | null)[] = [...list, ...new Array<null>(Math.max(0, total - list.length)).fill(null)];
      return connection(padded, args, (x) => (x ? commitNode(ctx, repo, x) : null));
    },
    statusCheckRollup: () => {
      const state = ctx.world.rollup(repo, c.sha);
      return state ? { state, id: encodeId('SCR', c.sha) } : null;
    },
    parents: (args: Args) => connection(c.parents, args, (p) => ({ __typename: 'Commit', oid: p })),
  };
}

async function commitBySha(ctx: GqlContext, repo: RepoRec, sha: string): Promise<Obj | null> {
  if (!repo.gitDir) return null;
  const list = await history(repo.gitDir, sha, { limit: 1 });
  return list[0] ? commitNode(ctx, repo, list[0]) : null;
}

function pullNode(ctx: GqlContext, repo: RepoRec, i: IssueRec): Obj {
  const p = i.pull;
  return {
    ...issueLike(ctx, repo, i),
    __typename: 'PullRequest', id: encodeId('P', `${repo.owner}/${repo.name}#${i.number}`),
    url: `${ctx.web}/${repo.owner}/${repo.name}/pull/${i.number}`,
    state: p?.merged ? 'MERGED' : i.state === 'open' ? 'OPEN' : 'CLOSED',
    isDraft: p?.draft ?? false, merged: p?.merged ?? false, mergedAt: p?.mergedAt ?? null,
    headRefName: p?.headRef ?? '', baseRefName: p?.baseRef ?? '', headRefOid: p?.headSha ?? '', baseRefOid: p?.baseSha ?? '',
    isCrossRepository: p ? p.headOwner !== repo.owner : false,
    autoMergeRequest: p?.autoMerge ? { mergeMethod: p.autoMerge.method, enabledAt: p.autoMerge.enabledAt, enabledBy: actor(ctx, p.autoMerge.enabledBy) } : null,
    mergeable: p?.merged ? 'UNKNOWN' : 'MERGEABLE',
  };
}

function commentNode(ctx: GqlContext, repo: RepoRec, i: IssueRec, c: CommentRec): Obj {
  return {
    __typename: 'IssueComment', id: encodeId('IC', String(c.id)), databaseId: c.id, body: c.body, bodyText: c.body,
    author: actor(ctx, c.user), authorAssociation: c.authorAssociation, createdAt: c.createdAt, updatedAt: c.updatedAt,
    url: `${ctx.web}/${repo.owner}/${repo.name}/issues/${i.number}#issuecomment-${c.id}`,
  };
}

function issueLike(ctx: GqlContext, repo: RepoRec, i: IssueRec): Obj {
  const total = Object.values(i.reactions).reduce((a, b) => a + b, 0);
  return {
    number: i.number, databaseId: i.id, title: i.title, body: i.body ?? '', bodyText: i.body ?? '', locked: i.locked,
    activeLockReason: i.locked ? 'TOO_HEATED' : null,
    createdAt: i.createdAt, updatedAt: i.updatedAt, closedAt: i.closedAt, closed: i.state === 'closed',
    author: actor(ctx, i.user), authorAssociation: i.authorAssociation,
    assignees: (args: Args) => connection(i.assignees, args, (a) => actor(ctx, a)),
    labels: (args: Args) => connection(i.labels, args, (n) => {
      const l = ctx.world.label(repo, n);
      return { __typename: 'Label', id: encodeId('L', String(l.id)), name: l.name, color: l.color, description: l.description };
    }),
    reactions: (args: Args) => {
      const content = typeof args['content'] === 'string' ? args['content'] : null;
      const map: Record<string, keyof IssueRec['reactions']> = { THUMBS_UP: '+1', THUMBS_DOWN: '-1', LAUGH: 'laugh', CONFUSED: 'confused', HEART: 'heart', HOORAY: 'hooray', EYES: 'eyes', ROCKET: 'rocket' };
      const k = content ? map[content] : undefined;
      return countOnly(k ? i.reactions[k] : total);
    },
    comments: (args: Args) => connection(i.comments, args, (c) => commentNode(ctx, repo, i, c)),
    repository: () => repositoryNode(ctx, repo),
  };
}

function issueNode(ctx: GqlContext, repo: RepoRec, i: IssueRec): Obj {
  if (i.pull) return pullNode(ctx, repo, i);
  const linked = i.linkedPulls.map((n) => repo.issues.find((x) => x.number === n)).filter((x): x is IssueRec => Boolean(x?.pull));
  return {
    ...issueLike(ctx, repo, i),
    __typename: 'Issue', id: encodeId('I', `${repo.owner}/${repo.name}#${i.number}`),
    url: `${ctx.web}/${repo.owner}/${repo.name}/issues/${i.number}`,
    state: i.state === 'open' ? 'OPEN' : 'CLOSED', stateReason: i.state === 'closed' ? 'COMPLETED' : null,
    closedByPullRequestsReferences: (args: Args) => connection(linked.filter((p) => args['includeClosedPrs'] === true || p.state === 'open' || p.pull?.merged), args, (p) => pullNode(ctx, repo, p)),
    timelineItems: (args: Args) => {
      const types = Array.isArray(args['itemTypes']) ? (args['itemTypes'] as string[]) : ['CROSS_REFERENCED_EVENT', 'CONNECTED_EVENT', 'ISSUE_COMMENT'];
      const unsupported = types.filter((t) => !['CROSS_REFERENCED_EVENT', 'CONNECTED_EVENT', 'ISSUE_COMMENT'].includes(t));
      if (unsupported.length) throw new Error(`timelineItems(itemTypes: ${unsupported.join(', ')}) is not implemented by the stand-in`);
      const items: Obj[] = [];
      for (const p of linked) {
        if (types.includes('CROSS_REFERENCED_EVENT')) items.push({ __typename: 'CrossReferencedEvent', id: encodeId('CRE', `${i.id}-${p.number}`), createdAt: p.createdAt, isCrossRepository: false, willCloseTarget: true, referencedAt: p.createdAt, actor: actor(ctx, p.user), source: pullNode(ctx, repo, p), target: { __typename: 'Issue', number: i.number } });
        if (types.includes('CONNECTED_EVENT')) items.push({ __typename: 'ConnectedEvent', id: encodeId('CE', `${i.id}-${p.number}`), createdAt: p.createdAt, isCrossRepository: false, actor: actor(ctx, p.user), subject: pullNode(ctx, repo, p), source: { __typename: 'Issue', number: i.number } });
      }
      if (types.includes('ISSUE_COMMENT')) for (const c of i.comments) items.push(commentNode(ctx, repo, i, c));
      const since = typeof args['since'] === 'string' ? Date.parse(args['since']) : -Infinity;
      return connection(items.filter((x) => Date.parse(String(x['createdAt'])) >= since), args, (x) => x, { filteredCount: items.length });
    },
  };
}

const LANG_COLORS: Record<string, string> = { Python: '#3572A5', TypeScript: '#3178c6', Go: '#00ADD8', JavaScript: '#f1e05a', Rust: '#dea584', Markdown: '#083fa1', Shell: '#89e051' };

function repositoryNode(ctx: GqlContext, r: RepoRec): Obj {
  const lang = (name: string): Obj => ({ __typename: 'Language', id: encodeId('Lang', name), name, color: LANG_COLORS[name] ?? null });
  const headCommit = async (): Promise<Obj | null> => {
    const sha = await ctx.world.headSha(r);
    return sha ? commitBySha(ctx, r, sha) : null;
  };
  return {
    __typename: 'Repository', id: encodeId('R', `${r.owner}/${r.name}`), databaseId: r.id, name: r.name, nameWithOwner: `${r.owner}/${r.name}`,
    owner: actor(ctx, r.owner), url: `${ctx.web}/${r.owner}/${r.name}`, description: r.description, homepageUrl: r.homepage,
    stargazerCount: r.stars, forkCount: r.forks, isArchived: r.archived, isFork: r.isFork, isDisabled: r.disabled,
    isTemplate: r.isTemplate, isPrivate: false, isEmpty: r.gitDir === null, isLocked: false, isMirror: false,
    pushedAt: r.pushedAt, createdAt: r.createdAt, updatedAt: r.updatedAt, hasIssuesEnabled: r.hasIssues,
    hasWikiEnabled: r.hasWiki, autoMergeAllowed: r.allowAutoMerge, diskUsage: r.sizeKb,
    visibility: 'PUBLIC',
    licenseInfo: r.license ? { __typename: 'License', id: encodeId('Lic', r.license.key), key: r.license.key, name: r.license.name, spdxId: r.license.spdxId, nickname: null } : null,
    primaryLanguage: r.language ? lang(r.language) : null,
    languages: (args: Args) => {
      const entries = Object.entries(r.languages).sort((a, b) => b[1] - a[1]);
      const c = connection(entries, args, ([n]) => lang(n), { totalSize: entries.reduce((s, [, v]) => s + v, 0) });
      return { ...c, edges: () => entries.slice(0, typeof args['first'] === 'number' ? args['first'] : entries.length).map(([n, size], i) => ({ cursor: cursor(i), size, node: lang(n) })) };
    },
    repositoryTopics: (args: Args) => connection(r.topics, args, (t) => ({ __typename: 'RepositoryTopic', id: encodeId('RT', t), topic: { __typename: 'Topic', id: encodeId('T', t), name: t }, url: `${ctx.web}/topics/${t}` })),
    watchers: () => countOnly(r.watchers),
    stargazers: () => countOnly(r.stars),
    forks: () => countOnly(r.forks),
    mentionableUsers: async (args: Args) => {
      const users = (await ctx.world.contributors(r)).map((c) => c.login).filter((l): l is string => l !== null);
      const all = [...new Set([r.owner, ...users])];
      return connection(all, args, (l) => actor(ctx, l));
    },
    assignableUsers: async (args: Args) => {
      const users = (await ctx.world.contributors(r)).map((c) => c.login).filter((l): l is string => l !== null);
      return connection([...new Set([r.owner, ...users])], args, (l) => actor(ctx, l));
    },
    parent: () => {
      if (!r.parent) return null;
      const p = ctx.world.visible(...(r.parent.split('/') as [string, string]));
      return p ? repositoryNode(ctx, p) : null;
    },
    issues: (args: Args) => {
      const states = Array.isArray(args['states']) ? (args['states'] as string[]).map((s) => s.toLowerCase()) : null;
      const filter = (args['filterBy'] ?? {}) as Obj;
      const since = typeof filter['since'] === 'string' ? Date.parse(filter['since']) : null;
      const labels = Array.isArray(args['labels']) ? (args['labels'] as string[]) : Array.isArray(filter['labels']) ? (filter['labels'] as string[]) : null;
      const filterStates = Array.isArray(filter['states']) ? (filter['states'] as string[]).map((s) => s.toLowerCase()) : null;
      let list = r.issues.filter((i) => !i.pull && (!states || states.includes(i.state)) && (!filterStates || filterStates.includes(i.state))
        && (since === null || Date.parse(i.updatedAt) >= since) && (!labels || i.labels.some((l) => labels.includes(l))));
      const order = (args['orderBy'] ?? { field: 'CREATED_AT', direction: 'ASC' }) as { field: string; direction: string };
      const key = (i: IssueRec): number => (order.field === 'COMMENTS' ? i.comments.length : Date.parse(order.field === 'UPDATED_AT' ? i.updatedAt : i.createdAt));
      const dir = order.direction === 'DESC' ? -1 : 1;
      list = [...list].sort((a, b) => (key(a) - key(b)) * dir || (a.number - b.number) * dir);
      return connection(list, args, (i) => issueNode(ctx, r, i));
    },
    issue: (args: Args) => {
      const i = r.issues.find((x) => x.number === args['number'] && !x.pull);
      if (!i) throw new TypedError('NOT_FOUND', `Could not resolve to an Issue with the number of ${String(args['number'])}.`);
      return issueNode(ctx, r, i);
    },
    pullRequest: (args: Args) => {
      const i = r.issues.find((x) => x.number === args['number'] && x.pull);
      if (!i) throw new TypedError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${String(args['number'])}.`);
      return pullNode(ctx, r, i);
    },
    pullRequests: (args: Args) => {
      const states = Array.isArray(args['states']) ? (args['states'] as string[]) : null;
      const list = r.issues.filter((i) => i.pull && (!states || states.includes(i.pull.merged ? 'MERGED' : i.state.toUpperCase())));
      return connection(list, args, (i) => pullNode(ctx, r, i));
    },
    releases: (args: Args) => {
      const order = (args['orderBy'] ?? { field: 'CREATED_AT', direction: 'DESC' }) as { direction: string };
      const list = [...r.releases].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) * (order.direction === 'ASC' ? 1 : -1));
      return connection(list, args, (rel) => releaseNode(ctx, r, rel));
    },
    latestRelease: () => {
      const rel = [...r.releases].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))[0];
      return rel ? releaseNode(ctx, r, rel) : null;
    },
    defaultBranchRef: async () => {
      const sha = await ctx.world.headSha(r);
      if (!sha) return null;
      return { __typename: 'Ref', id: encodeId('Ref', `${r.owner}/${r.name}:${r.defaultBranch}`), name: r.defaultBranch, prefix: 'refs/heads/', target: headCommit };
    },
    ref: async (args: Args) => {
      const q = String(args['qualifiedName']);
      const full = q.startsWith('refs/') ? q : `refs/heads/${q}`;
      const sha = r.gitDir ? await resolveRef(r.gitDir, full) : null;
      if (!sha) return null;
      return { __typename: 'Ref', id: encodeId('Ref', `${r.owner}/${r.name}:${full}`), name: full.replace(/^refs\/(heads|tags)\//, ''), prefix: full.slice(0, full.lastIndexOf('/') + 1), target: () => commitBySha(ctx, r, sha) };
    },
    object: async (args: Args) => {
      if (!r.gitDir) return null;
      const expr = typeof args['expression'] === 'string' ? args['expression'] : typeof args['oid'] === 'string' ? args['oid'] : '';
      const m = /^([^:]*):(.*)$/.exec(expr);
      if (!m) return commitBySha(ctx, r, expr).catch(() => null);
      const rev = m[1] === '' || m[1] === 'HEAD' ? r.defaultBranch : (m[1] ?? r.defaultBranch);
      const sha = await resolveRef(r.gitDir, rev);
      if (!sha) return null;
      const p = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
      const entries = await lsTree(r.gitDir, `${sha}:${p}`);
      if (entries) {
        return {
          __typename: 'Tree', id: encodeId('Tree', `${sha}:${p}`), oid: sha,
          entries: entries.map((e) => ({ __typename: 'TreeEntry', name: e.name, path: p ? `${p}/${e.name}` : e.name, type: e.type, mode: parseInt(e.mode, 8), oid: e.sha, size: e.size, extension: e.name.includes('.') ? `.${e.name.split('.').pop() ?? ''}` : null, isGenerated: false })),
        };
      }
      const blob = await readBlob(r.gitDir, `${sha}:${p}`);
      if (!blob) return null;
      const binary = blob.content.includes(0);
      return { __typename: 'Blob', id: encodeId('Blob', blob.sha), oid: blob.sha, byteSize: blob.content.length, isBinary: binary, isTruncated: false, text: binary ? null : blob.content.toString('utf8') };
    },
  };
}

function releaseNode(ctx: GqlContext, r: RepoRec, rel: RepoRec['releases'][number]): Obj {
  return { __typename: 'Release', id: encodeId('Rel', String(rel.id)), name: rel.name, tagName: rel.tagName, publishedAt: rel.publishedAt, createdAt: rel.createdAt, isPrerelease: false, isDraft: false, isLatest: false, url: `${ctx.web}/${r.owner}/${r.name}/releases/tag/${rel.tagName}` };
}

function findRepoById(ctx: GqlContext, id: unknown): RepoRec {
  const { kind, value } = decodeId(id);
  const [owner = '', name = ''] = value.split('/');
  const r = kind === 'R' ? ctx.world.visible(owner, name) : undefined;
  if (!r) throw new TypedError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
  return r;
}

function findIssueById(ctx: GqlContext, id: unknown): { repo: RepoRec; issue: IssueRec } {
  const { kind, value } = decodeId(id);
  const m = /^([^/]+)\/([^#]+)#(\d+)$/.exec(value);
  const repo = m && (kind === 'I' || kind === 'P') ? ctx.world.visible(m[1] ?? '', m[2] ?? '') : undefined;
  const issue = repo?.issues.find((i) => i.number === Number(m?.[3]) && (kind === 'P') === (i.pull !== null));
  if (!repo || !issue) throw new TypedError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'`);
  return { repo, issue };
}

/** The pull request life cycle's refusals (ApiError) as GraphQL's UNPROCESSABLE, with GitHub's message. */
async function unprocessable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) throw new TypedError(e.status === 404 ? 'NOT_FOUND' : 'UNPROCESSABLE', e.message);
    throw e;
  }
}

function writable(r: RepoRec): void {
  if (r.archived) throw new TypedError('FORBIDDEN', 'Repository was archived so is read-only.');
}

function rootValue(ctx: GqlContext): Obj {
  return {
    repository: (args: Args) => {
      const r = ctx.world.visible(String(args['owner']), String(args['name']));
      if (!r) throw new TypedError('NOT_FOUND', `Could not resolve to a Repository with the name '${String(args['owner'])}/${String(args['name'])}'.`);
      return repositoryNode(ctx, r);
    },
    viewer: () => actor(ctx, ctx.viewer),
    rateLimit: () => {
      const v = ctx.limiter.view('graphql');
      return { cost: ctx.cost, limit: v.limit, remaining: v.remaining, used: v.used, resetAt: new Date(v.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), nodeCount: ctx.nodeCount };
    },
    search: (args: Args) => {
      const type = String(args['type']);
      try {
        const q = parseQuery(String(args['query']));
        if (type === 'REPOSITORY') {
          const order = sortQualifier(q);
          const all = sortRepos(filterRepos(ctx.world.visibleRepos(), q), order?.sort, order?.order);
          return connection(all.slice(0, 1000), args, (r) => repositoryNode(ctx, r), { repositoryCount: all.length, issueCount: 0, codeCount: 0, userCount: 0, wikiCount: 0, discussionCount: 0 });
        }
        if (type === 'ISSUE') {
          const all = sortIssues(filterIssues(ctx.world.visibleRepos(), q), undefined, undefined);
          return connection(all.slice(0, 1000), args, (h) => issueNode(ctx, h.repo, h.issue), { repositoryCount: 0, issueCount: all.length, codeCount: 0, userCount: 0, wikiCount: 0, discussionCount: 0 });
        }
      } catch (e) {
        if (e instanceof QueryError) throw new TypedError('INVALID_SEARCH', e.message);
        throw e;
      }
      throw new Error(`search(type: ${type}) is not implemented by the stand-in`);
    },
    createCommitOnBranch: async (args: Args) => {
      ctx.takeContent();
      const input = args['input'] as Obj;
      const branch = (input['branch'] ?? {}) as Obj;
      let repo: RepoRec | undefined;
      if (typeof branch['repositoryNameWithOwner'] === 'string') {
        const [o = '', n = ''] = branch['repositoryNameWithOwner'].split('/');
        repo = ctx.world.visible(o, n);
      } else if (branch['id'] !== undefined) {
        const { value } = decodeId(branch['id']);
        const m = /^([^/]+)\/([^:]+):refs\/heads\/(.+)$/.exec(value);
        if (m) {
          repo = ctx.world.visible(m[1] ?? '', m[2] ?? '');
          branch['branchName'] = m[3];
        }
      }
      if (!repo?.gitDir) throw new TypedError('NOT_FOUND', 'Could not resolve to a Repository for the given branch.');
      writable(repo);
      const name = (typeof branch['branchName'] === 'string' ? branch['branchName'] : '').replace(/^refs\/heads\//, '');
      const ref = `refs/heads/${name}`;
      const head = await resolveRef(repo.gitDir, ref);
      if (!head) throw new TypedError('NOT_FOUND', `A ref named "${name}" does not exist.`);
      if (head !== input['expectedHeadOid']) throw new TypedError('STALE_DATA', `Expected branch to point to "${String(input['expectedHeadOid'])}" but it did not. Pull and try again.`);
      const changes = (input['fileChanges'] ?? {}) as { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
      const bad = [...(changes.additions ?? []), ...(changes.deletions ?? [])].find((f) => f.path.startsWith('/') || f.path.split('/').some((s) => s === '..' || s === '' || s === '.git'));
      if (bad) throw new TypedError('UNPROCESSABLE', `Invalid path: ${bad.path}`);
      const msg = input['message'] as { headline: string; body?: string | null };
      const me = ctx.world.user(ctx.viewer);
      const sha = await writeCommit(repo.gitDir, head, {
        additions: (changes.additions ?? []).map((a) => ({ path: a.path, contents: Buffer.from(a.contents, 'base64') })),
        deletions: changes.deletions ?? [],
      }, { name: me.name ?? me.login, email: me.email ?? `${me.login}@users.noreply.github.com` }, msg.body ? `${msg.headline}\n\n${msg.body}\n` : `${msg.headline}\n`, ctx.world.now());
      await updateRef(repo.gitDir, ref, sha, head);
      ctx.world.notePush(repo);
      const target = repo;
      return { clientMutationId: input['clientMutationId'] ?? null, commit: () => commitBySha(ctx, target, sha), ref: { __typename: 'Ref', name, prefix: 'refs/heads/', id: encodeId('Ref', `${repo.owner}/${repo.name}:${ref}`) } };
    },
    createPullRequest: async (args: Args) => {
      ctx.takeContent();
      const input = args['input'] as Obj;
      const repo = findRepoById(ctx, input['repositoryId']);
      writable(repo);
      let head = String(input['headRefName']);
      if (input['headRepositoryId'] !== undefined && input['headRepositoryId'] !== null) head = `${findRepoById(ctx, input['headRepositoryId']).owner}:${head}`;
      try {
        const issue = await createPull(ctx.world, repo, { title: String(input['title']), body: typeof input['body'] === 'string' ? input['body'] : null, head, base: String(input['baseRefName']), draft: input['draft'] === true, maintainerCanModify: input['maintainerCanModify'] !== false, user: ctx.viewer });
        return { clientMutationId: input['clientMutationId'] ?? null, pullRequest: pullNode(ctx, repo, issue) };
      } catch (e) {
        if (e instanceof ApiError) throw new TypedError('UNPROCESSABLE', [e.message, ...(e.errors ?? []).map((x) => x.message ?? `${x.field ?? ''} ${x.code}`)].join(': '));
        throw e;
      }
    },
    enablePullRequestAutoMerge: async (args: Args) => {
      ctx.takeContent();
      const input = args['input'] as Obj;
      const { repo, issue } = findIssueById(ctx, input['pullRequestId']);
      writable(repo);
      const method = (typeof input['mergeMethod'] === 'string' ? input['mergeMethod'] : 'MERGE') as 'MERGE' | 'SQUASH' | 'REBASE';
      await unprocessable(() => enableAutoMerge(ctx.world, repo, issue, method, ctx.viewer));
      return { clientMutationId: input['clientMutationId'] ?? null, pullRequest: pullNode(ctx, repo, issue), actor: actor(ctx, ctx.viewer) };
    },
    markPullRequestReadyForReview: async (args: Args) => {
      const input = args['input'] as Obj;
      const { repo, issue } = findIssueById(ctx, input['pullRequestId']);
      writable(repo);
      await unprocessable(() => Promise.resolve(markReadyForReview(issue)));
      return { clientMutationId: input['clientMutationId'] ?? null, pullRequest: pullNode(ctx, repo, issue) };
    },
    mergePullRequest: async (args: Args) => {
      const input = args['input'] as Obj;
      const { repo, issue } = findIssueById(ctx, input['pullRequestId']);
      writable(repo);
      const method = (typeof input['mergeMethod'] === 'string' ? input['mergeMethod'] : 'MERGE').toLowerCase() as 'merge' | 'squash' | 'rebase';
      const sha = typeof input['expectedHeadOid'] === 'string' ? input['expectedHeadOid'] : undefined;
      await unprocessable(() => mergePull(ctx.world, repo, issue, { method, by: ctx.viewer, ...(sha ? { sha } : {}), ...(typeof input['commitHeadline'] === 'string' ? { title: input['commitHeadline'] } : {}) }));
      return { clientMutationId: input['clientMutationId'] ?? null, pullRequest: pullNode(ctx, repo, issue), actor: actor(ctx, ctx.viewer) };
    },
    addComment: (args: Args) => {
      ctx.takeContent();
      const input = args['input'] as Obj;
      const { repo, issue } = findIssueById(ctx, input['subjectId']);
      writable(repo);
      if (issue.locked && ctx.world.association(repo, ctx.viewer) !== 'OWNER') throw new TypedError('FORBIDDEN', 'Unable to create comment because issue is locked.');
      const body = String(input['body']);
      if (body.trim() === '') throw new TypedError('UNPROCESSABLE', 'Body cannot be blank');
      const c = ctx.world.addComment(repo, issue, ctx.viewer, body);
      const node = commentNode(ctx, repo, issue, c);
      return { clientMutationId: input['clientMutationId'] ?? null, commentEdge: { cursor: cursor(issue.comments.length - 1), node }, subject: issueNode(ctx, repo, issue), timelineEdge: { cursor: cursor(issue.comments.length - 1), node } };
    },
  };
}

/** Resolves only what the stand-in provides; anything else is a loud error, never a silent null. */
const strictResolver: GraphQLFieldResolver<unknown, GqlContext> = (source, args, ctx, info) => {
  if (typeof source === 'object' && source !== null && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const v = (source as Obj)[info.fieldName];
    return typeof v === 'function' ? (v as (a: Args, c: GqlContext, i: unknown) => unknown).call(source, args, ctx, info) : v;
  }
  throw new Error(`${info.parentType.name}.${info.fieldName} is not implemented by the stand-in`);
};

export interface GqlOutcome {
  status: number;
  body: unknown;
  /** Points charged (0 when the document was rejected before execution). */
  cost: number;
  isMutation: boolean;
}

export interface GqlRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Parses, validates and costs a document. Returns errors in GitHub's shape or the prepared operation. */
export function prepare(req: GqlRequest): { ok: false; outcome: GqlOutcome } | { ok: true; doc: DocumentNode; op: OperationDefinitionNode; cost: number; nodeCount: number } {
  const schema = githubSchema();
  const fail = (errors: Obj[]): { ok: false; outcome: GqlOutcome } => ({ ok: false, outcome: { status: 200, body: { errors }, cost: 0, isMutation: false } });
  let doc: DocumentNode;
  try {
    doc = parse(req.query);
  } catch (e) {
    const ge = e as GraphQLError;
    return fail([{ message: `Parse error: ${ge.message}`, locations: ge.locations ?? [] }]);
  }
  const invalid = validate(schema, doc);
  if (invalid.length > 0) return fail(invalid.map((e) => ({ path: [], extensions: { code: 'undefinedField' }, locations: e.locations ?? [], message: e.message })));
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = req.operationName ? ops.find((o) => o.name?.value === req.operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) return fail([{ message: req.operationName ? `Unknown operation named "${req.operationName}".` : 'An operation name is required when the document has several operations.' }]);
  if (op.operation === OperationTypeNode.SUBSCRIPTION) return fail([{ message: 'Subscriptions are not supported.' }]);
  const { cost, nodeCount, errors } = computeCost(schema, doc, op, req.variables ?? {});
  if (errors.length > 0) return fail(errors.map((m) => ({ type: 'MAX_NODE_LIMIT_EXCEEDED', message: m, path: [], locations: [] })));
  return { ok: true, doc, op, cost, nodeCount };
}

export async function run(ctx: GqlContext, doc: DocumentNode, op: OperationDefinitionNode, req: GqlRequest): Promise<unknown> {
  const result = await execute({
    schema: githubSchema(), document: doc, rootValue: rootValue(ctx), contextValue: ctx,
    variableValues: req.variables ?? {}, operationName: op.name?.value ?? null, fieldResolver: strictResolver,
    typeResolver: (value: unknown) => (typeof value === 'object' && value !== null ? String((value as Obj)['__typename']) : undefined),
  });
  const out: Obj = { data: result.data ?? null };
  if (result.errors?.length) {
    out['errors'] = result.errors.map((e) => {
      const orig = e.originalError;
      if (orig instanceof ApiError && orig.status === 403) throw orig;
      const typed = orig instanceof TypedError ? { type: orig.type } : {};
      return { ...typed, path: e.path ?? [], locations: e.locations ?? [], message: e.message };
    });
  }
  return out;
}

export { ApiError };
