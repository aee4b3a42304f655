/** The GitHub ForgeWriter: forks, one-request commits, draft PRs, all behind the shared write budget. */
import type { WriteBudget } from '../../budget/write-budget.js';
import type { RepoRef } from '../types.js';
import type { AutoMergeResult, CommitResult, IssueClosure, CommitTarget, ConsentSnapshot, ExistingWork, FileChange, ForgeWriter, ForkRef, OpenPullInput, OpenPullResult, PullState, PullSummary, PullUpdate, WaitOptions } from '../writer.js';
import type { GitHubOctokit } from './client.js';
import { commitFiles } from './commits.js';
import { readConsentSnapshot } from './consent-files.js';
import { findExisting } from './existing.js';
import { ensureFork } from './forks.js';
import { graphqlRequest } from './graphql.js';
import * as autoMerge from './auto-merge.js';
import * as pulls from './pulls.js';
import type { GitHubWriteContext } from './write-context.js';

export interface GitHubWriterOptions {
  octokit: GitHubOctokit;
  budget: WriteBudget;
  /** The token's login when known (skips one look-up). */
  login?: string;
}

export class GitHubWriter implements ForgeWriter {
  readonly kind = 'github' as const;
  private readonly ctx: GitHubWriteContext;
  private login: string | undefined;
  /** Upstream GraphQL ids seen by findExisting, reused when opening the PR. */
  private readonly upstreamIds = new Map<string, string>();

  constructor(opts: GitHubWriterOptions) {
    this.login = opts.login;
    this.ctx = { octokit: opts.octokit, budget: opts.budget, viewer: () => this.viewer() };
  }

  async viewer(): Promise<string> {
    if (this.login) return this.login;
    const res = await graphqlRequest<{ viewer: { login: string } }>(this.ctx.octokit, 'query { viewer { login } }', {}, 'reading the token account');
    const login = res.data?.viewer.login;
    if (!login) throw new Error('GitHub did not return the token account');
    this.login = login;
    return login;
  }

  ensureFork(upstream: RepoRef, wait?: WaitOptions): Promise<ForkRef> {
    return ensureFork(this.ctx, upstream, wait);
  }

  async readConsentFiles(upstream: RepoRef): Promise<ConsentSnapshot> {
    const snap = await readConsentSnapshot(this.ctx.octokit, upstream, this.login);
    if (snap.viewer) this.login ??= snap.viewer;
    return snap;
  }

  async findExisting(upstream: RepoRef, issueNumber: number, branch: string): Promise<ExistingWork> {
    const found = await findExisting(this.ctx, upstream, issueNumber, branch);
    this.upstreamIds.set(`${upstream.owner}/${upstream.name}`.toLowerCase(), found.upstreamId);
    const { upstreamId: _id, ...work } = found;
    return work;
  }

  commitFiles(fork: RepoRef, branch: string, target: CommitTarget, changes: readonly FileChange[], message: string): Promise<CommitResult> {
    return commitFiles(this.ctx, fork, branch, target, changes, message);
  }

  openDraftPullRequest(input: OpenPullInput): Promise<OpenPullResult> {
    const id = this.upstreamIds.get(`${input.upstream.owner}/${input.upstream.name}`.toLowerCase());
    return pulls.openPullRequest(this.ctx, { ...input, ...(id ? { upstreamId: id } : {}) });
  }

  findOwnPullRequest(upstream: RepoRef, headOwner: string, branch: string): Promise<PullSummary | null> {
    return pulls.findOwnPull(this.ctx, upstream, headOwner, branch);
  }

  updatePullRequest(upstream: RepoRef, number: number, update: PullUpdate): Promise<void> {
    return pulls.updatePullRequest(this.ctx, upstream, number, update);
  }

  addLabels(upstream: RepoRef, number: number, labels: readonly string[]): Promise<void> {
    return pulls.addLabels(this.ctx, upstream, number, labels);
  }

  markReadyForReview(upstream: RepoRef, pull: PullSummary): Promise<void> {
    return autoMerge.markReadyForReview(this.ctx, upstream, pull);
  }

  enableAutoMerge(upstream: RepoRef, pull: PullSummary): Promise<AutoMergeResult> {
    return autoMerge.enableAutoMerge(this.ctx, upstream, pull);
  }

  pullRequestState(upstream: RepoRef, number: number): Promise<PullState> {
    return pulls.pullRequestState(this.ctx, upstream, number);
  }

  issueClosure(upstream: RepoRef, issueNumber: number): Promise<IssueClosure> {
    return pulls.issueClosure(this.ctx, upstream, issueNumber);
  }

  commentOnPullRequest(upstream: RepoRef, number: number, body: string): Promise<void> {
    return pulls.commentOnPullRequest(this.ctx, upstream, number, body);
  }

  countOpenPullRequestsByUs(scope: { owner: string; name?: string }): Promise<number> {
    return pulls.countOpenPullRequestsByUs(this.ctx, scope);
  }
}
