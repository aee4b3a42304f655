/** REST handlers, keyed by the OpenAPI operationId they implement. */
import { ApiError } from './api-error.js';
import { fetchInto, isAncestor, listRefs, lsTree, objectType, readBlob, readCommit, resolveRef, updateRef } from './gitops.js';
import type { RateLimiter } from './limits.js';
import { createPull, mergePull, runAutoMerge } from './pulls.js';
import { filterIssues, filterRepos, parseQuery, QueryError, sortIssues, sortRepos } from './search.js';
import * as shape from './shapes.js';
import type { IssueRec, RepoRec } from './world.js';

export interface RestRequest {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Request URL (path + query) used to build Link headers. */
  url: URL;
}

export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestContext extends shape.ShapeContext {
  limiter: RateLimiter;
  viewer: string;
  forkDelayMs: number;
}

type Handler = (ctx: RestContext, req: RestRequest) => Promise<RestResult>;
type Obj = Record<string, unknown>;

const SEARCH_CAP = 1000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

function repoOf(ctx: RestContext, req: RestRequest): RepoRec {
  const r = ctx.world.visible(String(req.path['owner']), String(req.path['repo']));
  if (!r) throw new ApiError(404, 'Not Found');
  return r;
}

function writable(r: RepoRec): void {
  if (r.archived) throw new ApiError(403, 'Repository was archived so is read-only.');
}

function issueOf(r: RepoRec, n: unknown): IssueRec {
  const i = r.issues.find((x) => x.number === n);
  if (!i) throw new ApiError(404, 'Not Found');
  return i;
}

function body(req: RestRequest): Obj {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Obj) : {};
}

/** Pages a list and builds GitHub's Link header (first/prev/next/last). */
function paginate<T>(req: RestRequest, items: T[], maxItems = Infinity): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, num(req.query['per_page'], 30)));
  const page = Math.max(1, num(req.query['page'], 1));
  const reachable = Math.min(items.length, maxItems);
  const last = Math.max(1, Math.ceil(reachable / perPage));
  const link = (p: number): string => {
    const u = new URL(req.url.toString());
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  const start = (page - 1) * perPage;
  return { page: items.slice(start, Math.min(start + perPage, reachable)), headers: rels.length > 0 ? { link: rels.join(', ') } : {} };
}

async function resolveCommitish(r: RepoRec, ref: string): Promise<string> {
  if (!r.gitDir) throw new ApiError(404, 'No commit found for SHA: ' + ref);
  const sha = /^[0-9a-f]{40}$/.test(ref) ? ((await objectType(r.gitDir, ref)) === 'commit' ? ref : null) : await resolveRef(r.gitDir, ref.startsWith('refs/') ? ref : ref);
  if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

function searchPage(req: RestRequest): void {
  const perPage = Math.min(100, Math.max(1, num(req.query['per_page'], 30)));
  const page = Math.max(1, num(req.query['page'], 1));
  if ((page - 1) * perPage >= SEARCH_CAP) throw new ApiError(422, 'Only the first 1000 search results are available');
}

function parseOrThrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof QueryError) throw new ApiError(422, 'Validation Failed', [{ resource: 'Search', field: 'q', code: 'invalid', message: e.message }]);
    throw e;
  }
}

export const handlers: Record<string, Handler> = {
  'rate-limit/get': (ctx) => {
    const view = (r: 'core' | 'search' | 'graphql'): Obj => {
      const v = ctx.limiter.view(r);
      return { limit: v.limit, used: v.used, remaining: v.remaining, reset: v.reset };
    };
    return Promise.resolve({ status: 200, body: { resources: { core: view('core'), search: view('search'), graphql: view('graphql') }, rate: view('core') } });
  },

  'search/repos': (ctx, req) => {
    searchPage(req);
    const q = parseOrThrow(() => parseQuery(String(req.query['q'])));
    const all = parseOrThrow(() => sortRepos(filterRepos(ctx.world.visibleRepos(), q), str(req.query['sort']), str(req.query['order'])));
    const { page, headers } = paginate(req, all, SEARCH_CAP);
    return Promise.resolve({ status: 200, headers, body: { total_count: all.length, incomplete_results: false, items: page.map((r) => shape.repository(ctx, r, 'search')) } });
  },

  'search/issues-and-pull-requests': (ctx, req) => {
    searchPage(req);
    const q = parseOrThrow(() => parseQuery(String(req.query['q'])));
    const all = parseOrThrow(() => sortIssues(filterIssues(ctx.world.visibleRepos(), q), str(req.query['sort']), str(req.query['order'])));
    const { page, headers } = paginate(req, all, SEARCH_CAP);
    return Promise.resolve({ status: 200, headers, body: { total_count: all.length, incomplete_results: false, search_type: 'lexical', items: page.map((h) => shape.issue(ctx, h.repo, h.issue, 'search')) } });
  },

  'repos/get': (ctx, req) => Promise.resolve({ status: 200, body: shape.repository(ctx, repoOf(ctx, req)) }),

  'repos/list-languages': (ctx, req) => Promise.resolve({ status: 200, body: repoOf(ctx, req).languages }),

  'repos/get-latest-release': (ctx, req) => {
    const r = repoOf(ctx, req);
    const rel = [...r.releases].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))[0];
    if (!rel) throw new ApiError(404, 'Not Found');
    const url = `${ctx.api}/repos/${r.owner}/${r.name}/releases/${rel.id}`;
    return Promise.resolve({ status: 200, body: {
      url, html_url: `${ctx.web}/${r.owner}/${r.name}/releases/tag/${rel.tagName}`, assets_url: `${url}/assets`,
      upload_url: `${url}/assets{?name,label}`, tarball_url: null, zipball_url: null, id: rel.id, node_id: shape.nodeId('Release', rel.id),
      tag_name: rel.tagName, target_commitish: r.defaultBranch, name: rel.name, body: null, draft: false, prerelease: false,
      immutable: false, created_at: rel.createdAt, published_at: rel.publishedAt, updated_at: rel.publishedAt,
      author: shape.userByLogin(ctx, r.owner), assets: [],
    } });
  },

  'issues/list-for-repo': (ctx, req) => {
    const r = repoOf(ctx, req);
    if (!r.hasIssues) throw new ApiError(410, 'Issues are disabled for this repo');
    const state = str(req.query['state']) ?? 'open';
    const labels = (str(req.query['labels']) ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const since = str(req.query['since']);
    const assignee = str(req.query['assignee']);
    let list = r.issues.filter((i) => (state === 'all' || i.state === state)
      && labels.every((l) => i.labels.some((x) => x.toLowerCase() === l))
      && (!since || Date.parse(i.updatedAt) >= Date.parse(since))
      && (assignee === undefined || (assignee === 'none' ? i.assignees.length === 0 : assignee === '*' ? i.assignees.length > 0 : i.assignees.includes(assignee))));
    const sort = str(req.query['sort']) ?? 'created';
    const dir = str(req.query['direction']) === 'asc' ? 1 : -1;
    const val = (i: IssueRec): number => (sort === 'comments' ? i.comments.length : Date.parse(sort === 'updated' ? i.updatedAt : i.createdAt));
    list = [...list].sort((a, b) => (val(a) - val(b)) * dir || (a.number - b.number) * dir);
    const { page, headers } = paginate(req, list);
    return Promise.resolve({ status: 200, headers, body: page.map((i) => shape.issue(ctx, r, i)) });
  },

  'issues/add-labels': (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const i = issueOf(r, req.path['issue_number']);
    const b = body(req);
    const names = Array.isArray(b['labels']) ? b['labels'] : [];
    if (names.length === 0 || !names.every((n) => typeof n === 'string' && n.trim() !== '')) {
      throw new ApiError(422, 'Validation Failed', [{ resource: 'Label', field: 'labels', code: 'invalid' }]);
    }
    for (const n of names as string[]) {
      ctx.world.label(r, n);
      if (!i.labels.includes(n)) i.labels.push(n);
    }
    return Promise.resolve({ status: 200, body: i.labels.map((n) => shape.label(ctx, r, ctx.world.label(r, n))) });
  },

  'issues/get': (ctx, req) => {
    const r = repoOf(ctx, req);
    return Promise.resolve({ status: 200, body: shape.issue(ctx, r, issueOf(r, req.path['issue_number'])) });
  },

  'issues/list-comments': (ctx, req) => {
    const r = repoOf(ctx, req);
    const i = issueOf(r, req.path['issue_number']);
    const since = str(req.query['since']);
    const list = i.comments.filter((c) => !since || Date.parse(c.updatedAt) >= Date.parse(since));
    const { page, headers } = paginate(req, list);
    return Promise.resolve({ status: 200, headers, body: page.map((c) => shape.comment(ctx, r, i, c)) });
  },

  'issues/create-comment': (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const i = issueOf(r, req.path['issue_number']);
    if (i.locked && ctx.world.association(r, ctx.viewer) !== 'OWNER') throw new ApiError(403, 'Unable to create comment because issue is locked.');
    const text = String(body(req)['body']);
    if (text.trim() === '') throw new ApiError(422, 'Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
    const c = ctx.world.addComment(r, i, ctx.viewer, text);
    return Promise.resolve({ status: 201, body: shape.comment(ctx, r, i, c), headers: { location: `${ctx.api}/repos/${r.owner}/${r.name}/issues/comments/${c.id}` } });
  },

  'repos/get-content': async (ctx, req) => {
    const r = repoOf(ctx, req);
    if (!r.gitDir) throw new ApiError(404, 'Not Found');
    const ref = str(req.query['ref']) ?? r.defaultBranch;
    const sha = await resolveRef(r.gitDir, ref);
    if (!sha) throw new ApiError(404, `No commit found for the ref ${ref}`);
    const p = String(req.path['path']).replace(/^\/+|\/+$/g, '');
    if (p.split('/').some((s) => s === '..' || s === '.')) throw new ApiError(404, 'Not Found');
    const repoUrl = `${ctx.api}/repos/${r.owner}/${r.name}`;
    const entry = (name: string, full: string, type: string, esha: string, size: number): Obj => {
      const url = `${repoUrl}/contents/${full}?ref=${ref}`;
      const git = `${repoUrl}/git/${type === 'dir' ? 'trees' : 'blobs'}/${esha}`;
      const html = `${ctx.web}/${r.owner}/${r.name}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${full}`;
      return { type, size, name, path: full, sha: esha, url, git_url: git, html_url: html, download_url: type === 'file' ? `${ctx.web}/raw/${r.owner}/${r.name}/${ref}/${full}` : null, _links: { self: url, git, html } };
    };
    const tree = await lsTree(r.gitDir, `${sha}:${p}`);
    if (tree) return { status: 200, body: tree.map((e) => entry(e.name, p ? `${p}/${e.name}` : e.name, e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : 'file', e.sha, e.size)) };
    const blob = await readBlob(r.gitDir, `${sha}:${p}`);
    if (!blob) throw new ApiError(404, 'Not Found');
    const b64 = blob.content.toString('base64').replace(/(.{60})/g, '$1\n');
    return { status: 200, body: { ...entry(p.split('/').at(-1) ?? p, p, 'file', blob.sha, blob.content.length), content: `${b64}\n`, encoding: 'base64' } };
  },

  'repos/create-fork': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const b = body(req);
    const owner = str(b['organization']) ?? ctx.viewer;
    const name = str(b['name']);
    try {
      const fork = await ctx.world.fork(r, owner, ctx.forkDelayMs, name);
      return { status: 202, body: shape.repository(ctx, fork) };
    } catch (e) {
      throw new ApiError(422, e instanceof Error ? e.message : 'fork failed');
    }
  },

  /** Sync a fork branch with its upstream: a fast-forward, or 409 when the branches diverged. */
  'repos/merge-upstream': async (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const branch = str(body(req)['branch']);
    if (!branch) throw new ApiError(422, 'Validation Failed', [{ resource: 'Repository', field: 'branch', code: 'missing_field' }]);
    const upstream = r.parent ? ctx.world.visible(...(r.parent.split('/') as [string, string])) : undefined;
    if (!r.gitDir || !upstream?.gitDir) throw new ApiError(422, 'This repository is not a fork');
    const ref = `refs/heads/${branch}`;
    const [ours, theirs] = await Promise.all([resolveRef(r.gitDir, ref), resolveRef(upstream.gitDir, `refs/heads/${upstream.defaultBranch}`)]);
    if (!ours || !theirs) throw new ApiError(422, 'Branch not found');
    const base = { base_branch: `${upstream.owner}:${upstream.defaultBranch}` };
    if (ours === theirs) return { status: 200, body: { message: 'This branch is not behind the upstream', merge_type: 'none', ...base } };
    await fetchInto(r.gitDir, upstream.gitDir, theirs, 'refs/globallm-sim/upstream');
    if (!(await isAncestor(r.gitDir, ours, theirs))) throw new ApiError(409, 'There are merge conflicts');
    await updateRef(r.gitDir, ref, theirs, ours);
    ctx.world.notePush(r);
    return { status: 200, body: { message: `Successfully fetched and fast-forwarded from upstream ${upstream.owner}:${upstream.defaultBranch}.`, merge_type: 'fast-forward', ...base } };
  },

  'repos/get-branch': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const name = String(req.path['branch']);
    const sha = r.gitDir ? await resolveRef(r.gitDir, `refs/heads/${name}`) : null;
    const c = sha && r.gitDir ? await readCommit(r.gitDir, sha) : null;
    if (!c) throw new ApiError(404, 'Branch not found');
    const url = `${ctx.api}/repos/${r.owner}/${r.name}/branches/${name}`;
    return { status: 200, body: {
      name, commit: shape.commit(ctx, r, c), _links: { html: `${ctx.web}/${r.owner}/${r.name}/tree/${name}`, self: url },
      protected: false, protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
      protection_url: `${url}/protection`,
    } };
  },

  'git/get-ref': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const ref = `refs/${String(req.path['ref']).replace(/^refs\//, '')}`;
    const found = r.gitDir ? (await listRefs(r.gitDir, ref)).find((x) => x.ref === ref) : undefined;
    if (!found) throw new ApiError(404, 'Not Found');
    return { status: 200, body: shape.gitRef(ctx, r, found.ref, found.sha) };
  },

  'git/create-ref': async (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const b = body(req);
    const ref = String(b['ref']);
    const sha = String(b['sha']);
    if (!/^refs\/[^/]+\/.+/.test(ref) || ref.includes('..')) throw new ApiError(422, `${ref} is not a valid ref name.`);
    if (!r.gitDir || (await objectType(r.gitDir, sha)) !== 'commit') throw new ApiError(422, 'Object does not exist');
    if (await resolveRef(r.gitDir, ref)) throw new ApiError(422, 'Reference already exists');
    await updateRef(r.gitDir, ref, sha, '');
    ctx.world.notePush(r);
    return { status: 201, body: shape.gitRef(ctx, r, ref, sha) };
  },

  'pulls/list': (ctx, req) => {
    const r = repoOf(ctx, req);
    const state = str(req.query['state']) ?? 'open';
    const head = str(req.query['head']);
    const base = str(req.query['base']);
    const list = r.issues.filter((i) => i.pull && (state === 'all' || i.state === state)
      && (!head || `${i.pull.headOwner}:${i.pull.headRef}`.toLowerCase() === head.toLowerCase())
      && (!base || i.pull.baseRef === base)).reverse();
    const { page, headers } = paginate(req, list);
    return Promise.resolve({ status: 200, headers, body: page.map((i) => shape.pull(ctx, r, i, 'simple')) });
  },

  'pulls/create': async (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const b = body(req);
    if (typeof b['title'] !== 'string' && b['issue'] === undefined) throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    const pullIssue = await createPull(ctx.world, r, {
      title: String(b['title']), body: str(b['body']) ?? null, head: String(b['head']), base: String(b['base']),
      draft: b['draft'] === true, maintainerCanModify: b['maintainer_can_modify'] !== false, user: ctx.viewer,
    });
    return { status: 201, body: shape.pull(ctx, r, pullIssue), headers: { location: `${ctx.api}/repos/${r.owner}/${r.name}/pulls/${pullIssue.number}` } };
  },

  'pulls/get': (ctx, req) => {
    const r = repoOf(ctx, req);
    const i = issueOf(r, req.path['pull_number']);
    if (!i.pull) throw new ApiError(404, 'Not Found');
    return Promise.resolve({ status: 200, body: shape.pull(ctx, r, i) });
  },

  'pulls/update': (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const i = issueOf(r, req.path['pull_number']);
    if (!i.pull) throw new ApiError(404, 'Not Found');
    const b = body(req);
    if (typeof b['title'] === 'string') i.title = b['title'];
    if (typeof b['body'] === 'string') i.body = b['body'];
    if (typeof b['base'] === 'string') i.pull.baseRef = b['base'];
    if (b['state'] === 'closed' && i.state === 'open') {
      i.state = 'closed';
      i.closedAt = ctx.world.now();
    } else if (b['state'] === 'open' && i.state === 'closed') {
      if (i.pull.merged) throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' }]);
      i.state = 'open';
      i.closedAt = null;
    }
    i.updatedAt = ctx.world.now();
    ctx.world.linkClosingReferences(r, i);
    return Promise.resolve({ status: 200, body: shape.pull(ctx, r, i) });
  },

  'pulls/merge': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const i = issueOf(r, req.path['pull_number']);
    const b = body(req);
    const method = str(b['merge_method']) as 'merge' | 'squash' | 'rebase' | undefined;
    const sha = await mergePull(ctx.world, r, i, { ...(method ? { method } : {}), ...(str(b['sha']) ? { sha: String(b['sha']) } : {}), ...(str(b['commit_title']) ? { title: String(b['commit_title']) } : {}), ...(str(b['commit_message']) ? { message: String(b['commit_message']) } : {}), by: ctx.viewer });
    return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
  },

  'checks/list-for-ref': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const sha = await resolveCommitish(r, String(req.path['ref']));
    const runs = (r.checkRuns.get(sha) ?? []).filter((c) => !str(req.query['check_name']) || c.name === req.query['check_name']);
    const { page, headers } = paginate(req, runs);
    return { status: 200, headers, body: { total_count: runs.length, check_runs: page.map((c) => shape.checkRun(ctx, r, sha, c)) } };
  },

  'repos/get-combined-status-for-ref': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const sha = await resolveCommitish(r, String(req.path['ref']));
    const latest = new Map<string, NonNullable<ReturnType<RepoRec['statuses']['get']>>[number]>();
    for (const s of r.statuses.get(sha) ?? []) if (!latest.has(s.context)) latest.set(s.context, s);
    const list = [...latest.values()];
    const states = list.map((s) => s.state);
    const state = states.includes('error') || states.includes('failure') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
    const url = `${ctx.api}/repos/${r.owner}/${r.name}/commits/${sha}`;
    return { status: 200, body: { state, statuses: list.map((s) => shape.status(ctx, r, sha, s)), sha, total_count: list.length, repository: shape.repository(ctx, r, 'minimal'), commit_url: url, url: `${url}/status` } };
  },

  'repos/create-commit-status': async (ctx, req) => {
    const r = repoOf(ctx, req);
    writable(r);
    const sha = String(req.path['sha']);
    if (!r.gitDir || !/^[0-9a-f]{40}$/.test(sha) || (await objectType(r.gitDir, sha)) !== 'commit') throw new ApiError(422, `No commit found for SHA: ${sha}`);
    const b = body(req);
    const s = ctx.world.addStatus(r, sha, {
      state: b['state'] as 'error' | 'failure' | 'pending' | 'success', context: str(b['context']) ?? 'default',
      description: str(b['description']) ?? null, targetUrl: str(b['target_url']) ?? null, creator: ctx.viewer,
    });
    await runAutoMerge(ctx.world, r, sha);
    return { status: 201, body: shape.status(ctx, r, sha, s) };
  },

  'repos/list-contributors': async (ctx, req) => {
    const r = repoOf(ctx, req);
    const anon = req.query['anon'] === 'true' || req.query['anon'] === '1';
    const all = (await ctx.world.contributors(r)).filter((c) => anon || c.login !== null);
    const { page, headers } = paginate(req, all);
    if (all.length === 0) return { status: 204 };
    return { status: 200, headers, body: page.map((c) => (c.login ? { ...shape.userByLogin(ctx, c.login), contributions: c.contributions } : { type: 'Anonymous', name: c.name, email: c.email, contributions: c.contributions })) };
  },
};
