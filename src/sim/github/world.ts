/**
 * The stand-in's state: accounts, repositories (backed by real bare git repositories),
 * issues, pull requests, statuses and check runs. Git data (refs, commits, trees) is always
 * read from the bare repositories, so pushes are reflected without bookkeeping.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from './clock.js';
import { buildBareRepo, cloneBare, history, resolveRef, type FixtureCommit } from './gitops.js';

export type AuthorAssociation = 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIME_CONTRIBUTOR' | 'FIRST_TIMER' | 'MANNEQUIN' | 'NONE';
export const REACTION_KINDS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

export interface UserRec {
  id: number;
  login: string;
  type: 'User' | 'Organization' | 'Bot';
  name: string | null;
  email: string | null;
}

export interface LicenseRec {
  key: string;
  name: string;
  spdxId: string;
}

export interface LabelRec {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface CommentRec {
  id: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  authorAssociation: AuthorAssociation;
}

export interface PullRec {
  headOwner: string;
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  autoMerge: { method: 'MERGE' | 'SQUASH' | 'REBASE'; enabledBy: string; enabledAt: string } | null;
  maintainerCanModify: boolean;
}

export interface IssueRec {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  labels: string[];
  assignees: string[];
  state: 'open' | 'closed';
  locked: boolean;
  reactions: Record<ReactionKind, number>;
  comments: CommentRec[];
  authorAssociation: AuthorAssociation;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Pull requests (numbers in the same repository) that reference and would close this issue. */
  linkedPulls: number[];
  pull: PullRec | null;
}

export interface StatusRec {
  id: number;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunRec {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  startedAt: string;
  completedAt: string | null;
}

export interface ReleaseRec {
  id: number;
  tagName: string;
  name: string;
  publishedAt: string;
  createdAt: string;
}

export interface RepoRec {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  homepage: string | null;
  stars: number;
  forks: number;
  watchers: number;
  topics: string[];
  language: string | null;
  languages: Record<string, number>;
  archived: boolean;
  disabled: boolean;
  isFork: boolean;
  isTemplate: boolean;
  parent: string | null;
  defaultBranch: string;
  license: LicenseRec | null;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  hasIssues: boolean;
  hasWiki: boolean;
  allowAutoMerge: boolean;
  /** Status contexts (or check-run names) branch protection requires before a PR can merge. */
  requiredChecks: string[];
  sizeKb: number;
  /** Bare repository on disk, or null for metadata-only repositories. */
  gitDir: string | null;
  /** Commit count used when there is no git repository. */
  syntheticCommits: number;
  /** Contributors for repositories without their own history. */
  syntheticContributors: { login: string; contributions: number }[];
  vanished: boolean;
  /** Epoch ms from which a new fork is usable. */
  readyAt: number;
  labels: Map<string, LabelRec>;
  issues: IssueRec[];
  statuses: Map<string, StatusRec[]>;
  checkRuns: Map<string, CheckRunRec[]>;
  releases: ReleaseRec[];
}

export interface RepoSpec {
  owner: string;
  name: string;
  description?: string | null;
  homepage?: string | null;
  stars?: number;
  forks?: number;
  watchers?: number;
  topics?: string[];
  language?: string | null;
  languages?: Record<string, number>;
  archived?: boolean;
  disabled?: boolean;
  isTemplate?: boolean;
  defaultBranch?: string;
  license?: LicenseRec | null;
  createdAt?: string;
  pushedAt?: string;
  hasIssues?: boolean;
  allowAutoMerge?: boolean;
  /** Branch protection's required checks: a PR waits for them (auto-merge then merges it). */
  requiredChecks?: string[];
  /** Real history for a new bare repository. */
  commits?: FixtureCommit[];
  /** Reuse an existing bare repository (e.g. one shared by synthetic repositories). */
  sharedGitDir?: string;
  syntheticCommits?: number;
  syntheticContributors?: { login: string; contributions: number }[];
  releases?: { tagName: string; name?: string; publishedAt: string }[];
}

export interface IssueSpec {
  title: string;
  body?: string | null;
  user: string;
  labels?: string[];
  assignees?: string[];
  state?: 'open' | 'closed';
  locked?: boolean;
  reactions?: Partial<Record<ReactionKind, number>>;
  authorAssociation?: AuthorAssociation;
  createdAt?: string;
  updatedAt?: string;
  closedAt?: string | null;
  comments?: { user: string; body: string; createdAt?: string; authorAssociation?: AuthorAssociation }[];
  linkedPulls?: number[];
}

const LABEL_COLORS: Record<string, string> = { bug: 'd73a4a', enhancement: 'a2eeef', feature: 'a2eeef', documentation: '0075ca', docs: '0075ca', 'good first issue': '7057ff', 'help wanted': '008672' };

export function key(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export class World {
  readonly users = new Map<string, UserRec>();
  readonly repos = new Map<string, RepoRec>();
  private nextId = 1000;
  /** Called after content changes that could trigger auto-merge (statuses, check runs). */
  onStatusChange: ((repo: RepoRec, sha: string) => Promise<void>) | null = null;

  constructor(readonly gitRoot: string, readonly clock: Clock, readonly viewer: string) {}

  id(): number {
    return this.nextId++;
  }

  now(): string {
    return this.clock.iso();
  }

  addUser(login: string, opts: { type?: UserRec['type']; name?: string | null; email?: string | null } = {}): UserRec {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const u: UserRec = { id: this.id(), login, type: opts.type ?? 'User', name: opts.name ?? null, email: opts.email ?? null };
    this.users.set(login.toLowerCase(), u);
    return u;
  }

  user(login: string): UserRec {
    return this.users.get(login.toLowerCase()) ?? this.addUser(login);
  }

  loginForEmail(email: string): string | null {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email?.toLowerCase() === e) return u.login;
    const noreply = /^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$/.exec(email);
    return noreply?.[1] ?? null;
  }

  async addRepo(spec: RepoSpec): Promise<RepoRec> {
    if (this.repos.has(key(spec.owner, spec.name))) throw new Error(`repository ${spec.owner}/${spec.name} already exists`);
    this.user(spec.owner);
    const branch = spec.defaultBranch ?? 'main';
    let gitDir: string | null = spec.sharedGitDir ?? null;
    if (spec.commits && spec.commits.length > 0) {
      gitDir = path.join(this.gitRoot, spec.owner, `${spec.name}.git`);
      await mkdir(path.dirname(gitDir), { recursive: true });
      await buildBareRepo(gitDir, branch, spec.commits);
    }
    const created = spec.createdAt ?? spec.commits?.[0]?.date ?? this.now();
    const pushed = spec.pushedAt ?? spec.commits?.at(-1)?.date ?? created;
    const repo: RepoRec = {
      id: this.id(), owner: spec.owner, name: spec.name,
      description: spec.description ?? null, homepage: spec.homepage ?? null,
      stars: spec.stars ?? 0, forks: spec.forks ?? 0, watchers: spec.watchers ?? 0,
      topics: spec.topics ?? [], language: spec.language ?? null,
      languages: spec.languages ?? (spec.language ? { [spec.language]: 10_000 } : {}),
      archived: spec.archived ?? false, disabled: spec.disabled ?? false, isFork: false,
      isTemplate: spec.isTemplate ?? false, parent: null, defaultBranch: branch,
      license: spec.license ?? null, createdAt: created, updatedAt: pushed, pushedAt: pushed,
      hasIssues: spec.hasIssues ?? true, hasWiki: true, allowAutoMerge: spec.allowAutoMerge ?? false,
      requiredChecks: spec.requiredChecks ?? [], sizeKb: 100, gitDir, syntheticCommits: spec.syntheticCommits ?? 0,
      syntheticContributors: spec.syntheticContributors ?? [], vanished: false, readyAt: 0,
      labels: new Map(), issues: [], statuses: new Map(), checkRuns: new Map(),
      releases: (spec.releases ?? []).map((r) => ({ id: this.id(), tagName: r.tagName, name: r.name ?? r.tagName, publishedAt: r.publishedAt, createdAt: r.publishedAt })),
    };
    this.repos.set(key(spec.owner, spec.name), repo);
    return repo;
  }

  /** Any repository record, including vanished and not-yet-ready ones. */
  raw(owner: string, repo: string): RepoRec | undefined {
    return this.repos.get(key(owner, repo));
  }

  /** The repository as the API sees it: undefined when deleted or not ready yet. */
  visible(owner: string, repo: string): RepoRec | undefined {
    const r = this.raw(owner, repo);
    if (!r || r.vanished || this.clock.now() < r.readyAt) return undefined;
    return r;
  }

  visibleRepos(): RepoRec[] {
    const now = this.clock.now();
    return [...this.repos.values()].filter((r) => !r.vanished && now >= r.readyAt);
  }

  vanish(owner: string, repo: string): void {
    const r = this.raw(owner, repo);
    if (!r) throw new Error(`no repository ${owner}/${repo}`);
    r.vanished = true;
  }

  archive(owner: string, repo: string): void {
    const r = this.raw(owner, repo);
    if (!r) throw new Error(`no repository ${owner}/${repo}`);
    r.archived = true;
    r.updatedAt = this.now();
  }

  label(repo: RepoRec, name: string): LabelRec {
    const k = name.toLowerCase();
    let l = repo.labels.get(k);
    if (!l) {
      l = { id: this.id(), name, color: LABEL_COLORS[k] ?? 'ededed', description: null };
      repo.labels.set(k, l);
    }
    return l;
  }

  addIssue(repo: RepoRec, spec: IssueSpec): IssueRec {
    const created = spec.createdAt ?? this.now();
    for (const l of spec.labels ?? []) this.label(repo, l);
    this.user(spec.user);
    const issue: IssueRec = {
      id: this.id(), number: repo.issues.length + 1, title: spec.title, body: spec.body ?? null,
      user: spec.user, labels: spec.labels ?? [], assignees: spec.assignees ?? [], state: spec.state ?? 'open',
      locked: spec.locked ?? false,
      reactions: Object.fromEntries(REACTION_KINDS.map((k) => [k, spec.reactions?.[k] ?? 0])) as Record<ReactionKind, number>,
      comments: [], authorAssociation: spec.authorAssociation ?? this.association(repo, spec.user),
      createdAt: created, updatedAt: spec.updatedAt ?? created,
      closedAt: spec.closedAt ?? (spec.state === 'closed' ? spec.updatedAt ?? created : null),
      linkedPulls: spec.linkedPulls ?? [], pull: null,
    };
    repo.issues.push(issue);
    for (const c of spec.comments ?? []) this.addComment(repo, issue, c.user, c.body, c.createdAt, c.authorAssociation);
    if (spec.updatedAt) issue.updatedAt = spec.updatedAt;
    return issue;
  }

  addComment(repo: RepoRec, issue: IssueRec, user: string, body: string, at?: string, association?: AuthorAssociation): CommentRec {
    this.user(user);
    const when = at ?? this.now();
    const c: CommentRec = { id: this.id(), user, body, createdAt: when, updatedAt: when, authorAssociation: association ?? this.association(repo, user) };
    issue.comments.push(c);
    if (when > issue.updatedAt) issue.updatedAt = when;
    return c;
  }

  association(repo: RepoRec, login: string): AuthorAssociation {
    if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
    if (repo.syntheticContributors.some((c) => c.login.toLowerCase() === login.toLowerCase())) return 'CONTRIBUTOR';
    return 'NONE';
  }

  /** Links pull request `pull` to issues it says it fixes ("Fixes #3"). */
  linkClosingReferences(repo: RepoRec, pull: IssueRec): void {
    const text = `${pull.title}\n${pull.body ?? ''}`;
    for (const m of text.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b/gi)) {
      const target = repo.issues.find((i) => i.number === Number(m[1]) && !i.pull);
      if (target && !target.linkedPulls.includes(pull.number)) target.linkedPulls.push(pull.number);
    }
  }

  addStatus(repo: RepoRec, sha: string, s: Omit<StatusRec, 'id' | 'createdAt' | 'updatedAt'>): StatusRec {
    const now = this.now();
    const rec: StatusRec = { id: this.id(), createdAt: now, updatedAt: now, ...s };
    const list = repo.statuses.get(sha) ?? [];
    list.unshift(rec);
    repo.statuses.set(sha, list);
    return rec;
  }

  addCheckRun(owner: string, name: string, sha: string, run: { name: string; status?: CheckRunRec['status']; conclusion?: CheckRunRec['conclusion'] }): CheckRunRec {
    const repo = this.raw(owner, name);
    if (!repo) throw new Error(`no repository ${owner}/${name}`);
    const now = this.now();
    const status = run.status ?? 'completed';
    const rec: CheckRunRec = { id: this.id(), name: run.name, status, conclusion: status === 'completed' ? run.conclusion ?? 'success' : null, startedAt: now, completedAt: status === 'completed' ? now : null };
    const list = repo.checkRuns.get(sha) ?? [];
    list.push(rec);
    repo.checkRuns.set(sha, list);
    return rec;
  }

  /** Combined state of statuses and check runs for a commit (GitHub's statusCheckRollup). */
  rollup(repo: RepoRec, sha: string): 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ERROR' | null {
    const latest = new Map<string, StatusRec>();
    for (const s of repo.statuses.get(sha) ?? []) if (!latest.has(s.context)) latest.set(s.context, s);
    const states: string[] = [...latest.values()].map((s) => s.state);
    for (const c of repo.checkRuns.get(sha) ?? []) {
      if (c.status !== 'completed') states.push('pending');
      else states.push(['success', 'neutral', 'skipped'].includes(c.conclusion ?? '') ? 'success' : 'failure');
    }
    if (states.length === 0) return null;
    if (states.includes('error')) return 'ERROR';
    if (states.includes('failure')) return 'FAILURE';
    if (states.includes('pending')) return 'PENDING';
    return 'SUCCESS';
  }

  /**
   * Whether branch protection lets a commit merge: every required context has succeeded (as a
   * status or a check run) and nothing failed. With no required checks, nothing blocks.
   */
  checksAllowMerge(repo: RepoRec, sha: string): boolean {
    const rollup = this.rollup(repo, sha);
    if (rollup === 'FAILURE' || rollup === 'ERROR') return false;
    const passed = new Set<string>();
    const seen = new Set<string>();
    for (const s of repo.statuses.get(sha) ?? []) {
      if (seen.has(s.context)) continue;
      seen.add(s.context);
      if (s.state === 'success') passed.add(s.context);
    }
    for (const c of repo.checkRuns.get(sha) ?? []) if (c.status === 'completed' && ['success', 'neutral', 'skipped'].includes(c.conclusion ?? '')) passed.add(c.name);
    return repo.requiredChecks.every((c) => passed.has(c));
  }

  /** Forks a repository for `owner`; the copy is usable after `delayMs`. */
  async fork(source: RepoRec, owner: string, delayMs: number, name?: string): Promise<RepoRec> {
    const forkName = name ?? source.name;
    const existing = this.raw(owner, forkName);
    if (existing && existing.parent === `${source.owner}/${source.name}`) return existing;
    if (existing) throw new Error(`name already exists on this account`);
    let gitDir: string | null = null;
    if (source.gitDir) {
      gitDir = path.join(this.gitRoot, owner, `${forkName}.git`);
      await mkdir(path.dirname(gitDir), { recursive: true });
      await cloneBare(source.gitDir, gitDir);
    }
    const now = this.now();
    const repo: RepoRec = {
      ...source, id: this.id(), owner, name: forkName, stars: 0, forks: 0, watchers: 0, isFork: true,
      parent: `${source.owner}/${source.name}`, createdAt: now, updatedAt: now, gitDir, archived: false,
      vanished: false, readyAt: this.clock.now() + delayMs, labels: new Map(), issues: [], statuses: new Map(),
      checkRuns: new Map(), releases: [], topics: [...source.topics], hasIssues: false, requiredChecks: [],
    };
    this.user(owner);
    this.repos.set(key(owner, forkName), repo);
    source.forks += 1;
    return repo;
  }

  /** Records a push: pushedAt moves; git data itself is read from the bare repository. */
  notePush(repo: RepoRec): void {
    repo.pushedAt = this.now();
    repo.updatedAt = repo.pushedAt;
  }

  async headSha(repo: RepoRec, branch = repo.defaultBranch): Promise<string | null> {
    return repo.gitDir ? resolveRef(repo.gitDir, `refs/heads/${branch}`) : null;
  }

  /** Contributors by commit count on the default branch (login when the email is known). */
  async contributors(repo: RepoRec): Promise<{ login: string | null; name: string; email: string; contributions: number }[]> {
    if (!repo.gitDir || repo.syntheticContributors.length > 0) {
      return repo.syntheticContributors.map((c) => ({ login: c.login, name: c.login, email: `${c.login}@users.noreply.github.com`, contributions: c.contributions }));
    }
    const head = await this.headSha(repo);
    if (!head) return [];
    const counts = new Map<string, { login: string | null; name: string; email: string; contributions: number }>();
    for (const c of await history(repo.gitDir, head)) {
      const login = this.loginForEmail(c.authorEmail);
      const k = login ?? c.authorEmail.toLowerCase();
      const cur = counts.get(k) ?? { login, name: c.authorName, email: c.authorEmail, contributions: 0 };
      cur.contributions += 1;
      counts.set(k, cur);
    }
    return [...counts.values()].sort((a, b) => b.contributions - a.contributions);
  }
}
