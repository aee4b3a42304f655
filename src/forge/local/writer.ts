/**
 * The local forge's write side: a pull request is a branch in the local repository plus a stored
 * record of its own (local_pull_requests). There are no forks (the repository is its own "fork"); commits are
 * written with git plumbing into a private index, so the working tree is never touched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { countOpenLocalPulls, findLocalPull, findLocalPullByBranch, markLocalPullOpen, openLocalPull, setLocalPullState, updateLocalPull, type LocalPullRow } from '../../db/local-pull-requests.js';
import { NotFound, UsageError } from '../../errors.js';
import { normalizeRepoPath } from '../../fix/edits/repo-path.js';
import { unlimitedWrites, type WriteBudget } from '../../budget/write-budget.js';
import type { RepoRef } from '../types.js';
import { CONSENT_READ_PATHS, LOCAL_NO_AUTO_MERGE, type AutoMergeResult, type CommitResult, type CommitTarget, type ConsentSnapshot, type ExistingWork, type FileChange, type ForgeWriter, type ForkRef, type IssueClosure, type OpenPullInput, type OpenPullResult, type PullState, type PullSummary, type PullUpdate } from '../writer.js';
import { runGit, tryGit } from '../../git/run.js';
import { isSafeBranch } from '../../git/refs.js';
import { readBlobs } from './git.js';
import { readLocalIssues } from './issues-file.js';
import { LocalForgeReader } from './reader.js';

export const LOCAL_VIEWER = 'globallm';

function checkBranch(branch: string): void {
  if (!isSafeBranch(branch)) throw new UsageError(`invalid branch name "${branch}"`);
}

export class LocalForgeWriter implements ForgeWriter {
  readonly kind = 'local' as const;
  private readonly reader: LocalForgeReader;

  constructor(private readonly opts: { pool: Pool; root: string; budget?: WriteBudget; author?: { name: string; email: string } }) {
    this.reader = new LocalForgeReader(opts.root);
  }

  private dir(ref: RepoRef): Promise<string> {
    return this.reader.directory(ref);
  }

  private async head(dir: string): Promise<{ branch: string; oid: string | null }> {
    const branch = (await tryGit(['symbolic-ref', '--short', 'HEAD'], { cwd: dir }))?.trim() || 'main';
    const oid = (await tryGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: dir }))?.trim() || null;
    return { branch, oid };
  }

  private async branchOid(dir: string, branch: string): Promise<string | null> {
    checkBranch(branch);
    return (await tryGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: dir }))?.trim() || null;
  }

  async ensureFork(upstream: RepoRef): Promise<ForkRef> {
    const dir = await this.dir(upstream);
    return { owner: upstream.owner, name: upstream.name, defaultBranch: (await this.head(dir)).branch, created: false };
  }

  /** The directory and HEAD of `ref`: one git process when HEAD is on a branch with commits. */
  private async dirAndHead(ref: RepoRef): Promise<{ dir: string; branch: string; oid: string | null }> {
    const quick = await this.reader.directoryOnBranch(ref);
    if (quick) return quick;
    const dir = await this.dir(ref);
    return { dir, ...(await this.head(dir)) };
  }

  async readConsentFiles(upstream: RepoRef): Promise<ConsentSnapshot> {
    const { dir, branch, oid } = await this.dirAndHead(upstream);
    const files: ConsentSnapshot['files'] = [];
    if (oid) {
      const texts = await readBlobs(dir, CONSENT_READ_PATHS.map((p) => `${oid}:${p}`));
      CONSENT_READ_PATHS.forEach((p, i) => {
        const text = texts[i];
        if (text != null) files.push({ path: p, text: text.slice(0, 100_000) });
      });
    }
    return { repo: upstream, viewer: LOCAL_VIEWER, archived: false, topics: [], autoMergeAllowed: false, defaultBranch: branch, baseOid: oid, files };
  }

  private summary(row: LocalPullRow, headOid: string | null): PullSummary {
    const state = row.state === 'merged' ? 'MERGED' : row.state === 'closed' ? 'CLOSED' : 'OPEN';
    return { number: row.number, url: row.url, state, author: LOCAL_VIEWER, headRefName: row.branch, isDraft: row.state === 'draft', ...(headOid ? { headOid } : {}) };
  }

  async findExisting(upstream: RepoRef, issueNumber: number, branch: string): Promise<ExistingWork> {
    const { dir, branch: def, oid } = await this.dirAndHead(upstream);
    const issue = (await readLocalIssues(dir)).find((i) => i.number === issueNumber);
    if (!issue) throw new NotFound(`issue ${upstream.name}#${issueNumber} not found in the local issues file`);
    const ownBranchOid = await this.branchOid(dir, branch);
    const row = await findLocalPullByBranch(this.opts.pool, upstream, branch);
    const own = row ? this.summary(row, ownBranchOid) : null;
    const [inRepo, forOwner] = await Promise.all([
      this.countOpenPullRequestsByUs({ owner: upstream.owner, name: upstream.name }),
      this.countOpenPullRequestsByUs({ owner: upstream.owner }),
    ]);
    return {
      viewer: LOCAL_VIEWER, issueOpen: issue.state === 'open', assignees: issue.assignees,
      linkedByOthers: issue.linkedPullRequests.filter((p) => p.state !== 'CLOSED').map((p) => ({ number: p.number, url: `local:${upstream.name}#${p.number}`, state: p.state, author: null, headRefName: '', isDraft: false })),
      claimedBy: [], ownPull: own, ownBranchOid,
      fork: { owner: upstream.owner, name: upstream.name, defaultBranch: def, created: false },
      upstreamDefaultBranch: def, upstreamBaseOid: oid, openPrsInRepo: inRepo, openPrsForOwner: forOwner,
    };
  }

  async commitFiles(fork: RepoRef, branch: string, target: CommitTarget, changes: readonly FileChange[], message: string): Promise<CommitResult> {
    if (changes.length === 0) throw new UsageError('a commit needs at least one file change');
    const dir = await this.dir(fork);
    checkBranch(branch);
    for (const c of changes) {
      const n = normalizeRepoPath(c.path);
      if (!n.ok || n.path !== c.path) throw new UsageError(`invalid path for a commit: ${c.path}`);
    }
    const current = await this.branchOid(dir, branch);
    const parent = target.headOid ?? current ?? target.baseOid;
    const tmp = await mkdtemp(path.join(tmpdir(), 'globallm-index-'));
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    try {
      await runGit(['read-tree', parent], { cwd: dir, env });
      for (const c of changes) {
        if (c.contents === null) {
          await runGit(['update-index', '--force-remove', '--', c.path], { cwd: dir, env });
          continue;
        }
        const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd: dir, input: Buffer.from(c.contents, 'utf8') })).trim();
        await runGit(['update-index', '--add', '--cacheinfo', `100644,${blob},${c.path}`], { cwd: dir, env });
      }
      const tree = (await runGit(['write-tree'], { cwd: dir, env })).trim();
      // The branch already holds exactly these changes (an earlier attempt committed them and then
      // failed to record it): the commit would be empty, so the head is the answer.
      if (current !== null && parent === current && tree === (await runGit(['rev-parse', `${current}^{tree}`], { cwd: dir })).trim()) {
        return { oid: current, branchCreated: false };
      }
      const budget = this.opts.budget ?? unlimitedWrites;
      await budget.acquire(`local commit ${fork.name}:${branch}`);
      const author = this.opts.author ?? { name: 'GlobaLLM', email: 'globallm@localhost' };
      const who = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
      const oid = (await runGit(['commit-tree', tree, '-p', parent], { cwd: dir, input: Buffer.from(message.endsWith('\n') ? message : `${message}\n`), env: { ...env, ...who } })).trim();
      // Compare-and-swap: fails if someone moved the branch since we read it.
      await runGit(['update-ref', `refs/heads/${branch}`, oid, current ?? ''], { cwd: dir });
      return { oid, branchCreated: current === null };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async openDraftPullRequest(input: OpenPullInput): Promise<OpenPullResult> {
    const dir = await this.dir(input.upstream);
    const headOid = await this.branchOid(dir, input.branch);
    if (!headOid) return { ok: false, reason: 'invalid', message: `branch ${input.branch} does not exist` };
    const baseOid = await this.branchOid(dir, input.baseBranch);
    if (!baseOid) return { ok: false, reason: 'invalid', message: `base branch ${input.baseBranch} does not exist` };
    if (headOid === baseOid || (await tryGit(['merge-base', '--is-ancestor', headOid, baseOid], { cwd: dir })) !== null) {
      return { ok: false, reason: 'no_commits', message: `No commits between ${input.baseBranch} and ${input.branch}` };
    }
    const existing = await findLocalPullByBranch(this.opts.pool, input.upstream, input.branch);
    if (existing && ['draft', 'open'].includes(existing.state)) {
      return { ok: false, reason: 'already_exists', message: `A pull request already exists for ${input.branch}` };
    }
    const state = input.draft ? 'draft' : 'open';
    // The stored record, numbered per repository.
    const row = await openLocalPull(this.opts.pool, { repo: input.upstream, issueNumber: input.issueNumber, branch: input.branch, state, title: input.title, body: input.body, headOid });
    const pull = row ? this.summary(row, headOid) : null;
    if (!pull) throw new Error('local pull request record was not stored');
    return { ok: true, pull };
  }

  async findOwnPullRequest(upstream: RepoRef, _headOwner: string, branch: string): Promise<PullSummary | null> {
    const row = await findLocalPullByBranch(this.opts.pool, upstream, branch);
    if (!row) return null;
    return this.summary(row, await this.branchOid(await this.dir(upstream), branch));
  }

  async updatePullRequest(upstream: RepoRef, number: number, update: PullUpdate): Promise<void> {
    const found = await updateLocalPull(this.opts.pool, upstream, number, { title: update.title ?? null, body: update.body ?? null, state: update.state ?? null });
    if (!found) throw new NotFound(`local pull request ${upstream.name}#${number} not found`);
  }

  /** The local forge keeps no labels: the contribute pipeline's pull_requests row has them. */
  addLabels(): Promise<void> {
    return Promise.resolve();
  }

  /** The record becomes `open`: the branch is now offered for merging with git. */
  async markReadyForReview(upstream: RepoRef, pull: PullSummary): Promise<void> {
    if (!(await markLocalPullOpen(this.opts.pool, upstream, pull.number))) throw new NotFound(`no open local pull request ${upstream.name}#${pull.number}`);
  }

  /** Nothing here merges by itself: a person merges the branch with git, and the follow-up sees it. */
  enableAutoMerge(): Promise<AutoMergeResult> {
    return Promise.resolve({ state: 'refused', reason: LOCAL_NO_AUTO_MERGE });
  }

  /**
   * An open record whose branch tip is in the default branch counts as merged (a maintainer merged
   * it with git); one whose branch was deleted unmerged counts as closed. Either is stored.
   */
  async pullRequestState(upstream: RepoRef, number: number): Promise<PullState> {
    let row = await findLocalPull(this.opts.pool, upstream, number);
    if (!row) throw new NotFound(`local pull request ${upstream.name}#${number} not found`);
    if (row.state === 'draft' || row.state === 'open') {
      const seen = await this.observedState(upstream, row);
      if (seen) {
        row = (await setLocalPullState(this.opts.pool, row.id, seen)) ?? row;
      }
    }
    const state = row.state === 'merged' ? 'MERGED' : row.state === 'closed' ? 'CLOSED' : 'OPEN';
    const at = row.updated_at.toISOString();
    return { number, state, isDraft: row.state === 'draft', mergedAt: state === 'MERGED' ? at : null, closedAt: state === 'CLOSED' ? at : null, updatedAt: at, comments: [] };
  }

  /** What git says became of an open record: merged into the default branch, closed by deleting its branch, or nothing yet. */
  private async observedState(upstream: RepoRef, row: LocalPullRow): Promise<'merged' | 'closed' | null> {
    const dir = await this.dir(upstream);
    const tip = (await this.branchOid(dir, row.branch)) ?? row.head_oid;
    const { oid: base } = await this.head(dir);
    if (tip && base && (await tryGit(['merge-base', '--is-ancestor', tip, base], { cwd: dir })) !== null) return 'merged';
    if ((await this.branchOid(dir, row.branch)) === null) return 'closed';
    return null;
  }

  /** From the issues file: its state, and the linked PRs it marks merged. */
  async issueClosure(upstream: RepoRef, issueNumber: number): Promise<IssueClosure> {
    const issue = (await readLocalIssues(await this.dir(upstream))).find((i) => i.number === issueNumber);
    if (!issue) throw new NotFound(`issue ${upstream.name}#${issueNumber} not found in the local issues file`);
    return { open: issue.state === 'open', mergedPulls: issue.linkedPullRequests.filter((p) => p.state === 'MERGED').map((p) => p.number) };
  }

  /** The local forge has no comments: the caller's outcome record keeps the text. */
  commentOnPullRequest(): Promise<void> {
    return Promise.resolve();
  }

  async countOpenPullRequestsByUs(scope: { owner: string; name?: string }): Promise<number> {
    return countOpenLocalPulls(this.opts.pool, scope);
  }
}
