import type { ForgeKind, RepoRef } from './types.js';

/**
 * The WRITE side of a forge (forks, branches, commits, pull requests), owned by the core. The
 * read side lives in ./types.ts. Implementations: GitHub (src/forge/github/writer.ts) and local
 * git directories (src/forge/local/writer.ts). Every outside failure becomes a named error of
 * src/errors.ts; expected refusals (a PR that already exists, no commits) are returned as values.
 */

export interface ForkRef extends RepoRef {
  defaultBranch: string;
  /** Forge node id (GitHub GraphQL id), when known. */
  nodeId?: string;
  /** True when this call asked the forge to create the fork. */
  created: boolean;
}

export interface WaitOptions {
  /** Give up waiting after this long (default 120 s). */
  timeoutMs?: number;
  /** Pause between polls (default 2 s). */
  intervalMs?: number;
  /** Called before each poll: activities heartbeat here. */
  onPoll?: (info: { attempt: number; waitedMs: number }) => void;
  signal?: AbortSignal;
}

export interface ConsentFile {
  path: string;
  text: string;
}

/** The files and repository facts the consent gate needs, read together. */
export interface ConsentSnapshot {
  repo: RepoRef;
  viewer: string;
  archived: boolean;
  topics: string[];
  autoMergeAllowed: boolean;
  defaultBranch: string;
  baseOid: string | null;
  /** Only the files that exist, in CONSENT_READ_PATHS order. */
  files: ConsentFile[];
}

/** Files read for the consent gate: the consent file first, then the policy documents. */
export const CONSENT_READ_PATHS = [
  '.globallm.yml',
  '.github/globallm.yml',
  'AI_POLICY.md',
  '.github/AI_POLICY.md',
  'CONTRIBUTING.md',
  '.github/CONTRIBUTING.md',
  'docs/CONTRIBUTING.md',
  'CODE_OF_CONDUCT.md',
] as const;

export interface PullSummary {
  number: number;
  url: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  author: string | null;
  headRefName: string;
  isDraft: boolean;
  nodeId?: string;
  headOid?: string;
}

/** What already exists for an issue, read just before opening a PR. */
export interface ExistingWork {
  issueOpen: boolean;
  assignees: string[];
  /** PRs linked to the issue (timeline or closing references), by anyone but us. */
  linkedByOthers: PullSummary[];
  /** Commenters (not us) who said they are working on it. */
  claimedBy: string[];
  /** Our own PR for this branch, if any (open, closed or merged). */
  ownPull: PullSummary | null;
  /** Head of our branch in our fork (null when the branch or fork is missing). */
  ownBranchOid: string | null;
  /** Our fork, when it exists and is readable. */
  fork: ForkRef | null;
  upstreamDefaultBranch: string;
  upstreamBaseOid: string | null;
  openPrsInRepo: number;
  openPrsForOwner: number;
  viewer: string;
}

export interface FileChange {
  path: string;
  /** New contents, or null to delete the file. */
  contents: string | null;
}

export interface CommitTarget {
  /** Commit the new branch starts from (the upstream default branch head). */
  baseOid: string;
  /** Current head of the branch when it is known to exist (skips creating it). */
  headOid?: string | null;
  /** The fork's default branch, synced with upstream when the base commit is missing from the fork. */
  syncBranch?: string;
}

export interface CommitResult {
  oid: string;
  branchCreated: boolean;
}

export interface OpenPullInput {
  upstream: RepoRef;
  baseBranch: string;
  headOwner: string;
  branch: string;
  title: string;
  body: string;
  draft: boolean;
  issueNumber: number;
}

export type OpenPullResult =
  | { ok: true; pull: PullSummary }
  | { ok: false; reason: 'already_exists' | 'no_commits' | 'invalid'; message: string };

export interface PullUpdate {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
}

export interface PullComment {
  author: string | null;
  association: string;
  body: string;
  createdAt: string;
}

export interface PullState {
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  mergedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  comments: PullComment[];
}

/**
 * What became of a request for auto-merge: `enabled` (the forge merges once the required checks
 * pass), `merged` (nothing blocked the merge, so it was merged at once: GitHub refuses auto-merge
 * for a PR in "clean status"), or `refused` with the forge's reason.
 */
export type AutoMergeResult = { state: 'enabled' | 'merged' } | { state: 'refused'; reason: string };

/** The local forge's answer to auto-merge: nothing there merges by itself. */
export const LOCAL_NO_AUTO_MERGE = 'the local forge has no auto-merge: merge the branch with git';

/** Whether an issue is still open, and the merged PRs (anyone's) that closed it. */
export interface IssueClosure {
  open: boolean;
  mergedPulls: number[];
}

export interface ForgeWriter {
  readonly kind: ForgeKind;
  /** Our fork of `upstream` (created if missing, waited for until its default branch is readable). */
  ensureFork(upstream: RepoRef, wait?: WaitOptions): Promise<ForkRef>;
  /** Consent file, AI policy and contribution guides plus repository facts, in one request. */
  readConsentFiles(upstream: RepoRef): Promise<ConsentSnapshot>;
  /** Dedupe: linked PRs, assignees, claims, our own branch and PR, and open-PR counts. */
  findExisting(upstream: RepoRef, issueNumber: number, branch: string): Promise<ExistingWork>;
  /** One commit with every change on `branch` of `fork` (creating the branch from baseOid if needed). */
  commitFiles(fork: RepoRef, branch: string, target: CommitTarget, changes: readonly FileChange[], message: string): Promise<CommitResult>;
  openDraftPullRequest(input: OpenPullInput): Promise<OpenPullResult>;
  /** Our PR from `headOwner:branch`, found by listing (after a lost response or an "already exists"). */
  findOwnPullRequest(upstream: RepoRef, headOwner: string, branch: string): Promise<PullSummary | null>;
  updatePullRequest(upstream: RepoRef, number: number, update: PullUpdate): Promise<void>;
  /** Adds labels (the consent file's `labels`) to our PR; the local forge keeps them on the PR record only. */
  addLabels(upstream: RepoRef, number: number, labels: readonly string[]): Promise<void>;
  /** Turns our draft into a PR ready for review (before auto-merge: a draft never merges). */
  markReadyForReview(upstream: RepoRef, pull: PullSummary): Promise<void>;
  /** Asks the forge to merge our PR once its required checks pass (see AutoMergeResult). */
  enableAutoMerge(upstream: RepoRef, pull: PullSummary): Promise<AutoMergeResult>;
  pullRequestState(upstream: RepoRef, number: number): Promise<PullState>;
  /** Is the issue still open (the follow-up withdraws our PR once it is not)? */
  issueClosure(upstream: RepoRef, issueNumber: number): Promise<IssueClosure>;
  /** A comment on our PR (the local forge has no comments: it keeps nothing, the outcome records the text). */
  commentOnPullRequest(upstream: RepoRef, number: number, body: string): Promise<void>;
  countOpenPullRequestsByUs(scope: { owner: string; name?: string }): Promise<number>;
}

/** The branch our fix for an issue lives on: `globallm/issue-<n>-<slug>`. */
export function branchName(issueNumber: number, title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return `globallm/issue-${issueNumber}${slug ? `-${slug}` : ''}`;
}
