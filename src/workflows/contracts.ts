// The stage contracts between workflows and activities: plain data in, plain data out. The
// activities (src/activities) implement these interfaces; workflows call them through
// proxyActivities. Types only; large artefacts (diffs, PR bodies) stay in PostgreSQL.
import type { IssueOutcome, IssueRef, QueuedIssue } from './shared.js';
import type { FollowUpSettings, FollowUpStarted } from './follow-up-start.js';
import type { ForgeKind } from '../forge/types.js';

export interface AnalyzeIssueResult {
  category: string;
  critical: boolean;
  priority: number | null;
  language: string | null;
  analyzer: string;
  /** Set when intake or analysis decided this issue is not for us (with the reason). */
  skip?: string;
}

export interface GenerateFixResult {
  /** Row in fix_results holding the candidates; null when no candidate came out. */
  fixId: string | null;
  candidates: number;
  /** Why nothing was generated (no model configured, budget exhausted, no applicable edit). */
  reason?: string;
}

export interface ValidateFixResult {
  verdict: 'pass' | 'unproven' | 'fail' | 'error' | 'refused';
  summary: string;
  /** True when a PR may be opened: a pass, or an unproven fix where the operator allows drafts of those. */
  open?: boolean;
}

export interface ConsentResult { allowed: boolean; reason?: string; quote?: string }

export interface OpenPullRequestResult {
  /**
   * `kept`: our PR was already open with another fix, and the issue no longer wants a new PR
   * (closed, or someone else is on it): ours is left as it is (`detail` says why). `deduped`: none
   * opened: someone else is on the issue, or a PR cap is reached (`detail` says which). A `draft`
   * that replaced our earlier PR says so in `detail` (and whether closing the earlier one failed).
   */
  state: 'preview' | 'draft' | 'updated' | 'deduped' | 'kept';
  url?: string;
  number?: number;
  detail?: string;
  /** The PR's follow-up, started by the activity as soon as the PR is on record (absent for a preview or a skip). */
  followUp?: FollowUpStarted;
  /** When the repository opted in to auto-merge: `enabled`, `merged`, or why not (`not_enabled: …`). */
  autoMerge?: string;
}

export interface OpenPullRequestInput {
  ref: IssueRef;
  fixId: string;
  dryRun: boolean;
  /**
   * How the opened PR's follow-up runs: the activity starts it itself, so a PR opened while its
   * issue workflow is terminated is still followed (absent in runs recorded before it existed).
   */
  follow?: FollowUpSettings;
}

export interface FollowUpResult { state: 'open' | 'merged' | 'closed' | 'gone'; done: boolean }

export interface RecordIssueRunInput {
  workflowId: string;
  runId: string;
  ref: IssueRef;
  campaign?: string;
  result: 'pr_opened' | 'skipped' | 'failed' | 'no_fix' | 'dry_run';
  /** `reason` says why; `final: false` on a failure marks an outage the issue may be tried again after. */
  detail: Record<string, unknown>;
}

export interface RepoActivities {
  /**
   * Decisions of running issues whose workflow closed without telling its repository (terminated,
   * timed out, or a report lost): from `issue_runs`, else `failed` with the workflow's status.
   */
  reconcileIssueRuns(input: { ref: Omit<IssueRef, 'number'>; issues: Array<{ number: number; campaign?: string }> }): Promise<Array<{ number: number; outcome: IssueOutcome; detail: string }>>;
}

export interface IssueStageActivities {
  analyzeIssue(ref: IssueRef): Promise<AnalyzeIssueResult>;
  /** The analysis on record when no analyzer needs to run (skipped, capped, analyzed by its campaign); null otherwise. */
  analysisOnRecord(ref: IssueRef): Promise<AnalyzeIssueResult | null>;
  checkConsent(ref: IssueRef): Promise<ConsentResult>;
  generateFix(input: { ref: IssueRef; candidates: number }): Promise<GenerateFixResult>;
  validateFix(input: { ref: IssueRef; fixId: string }): Promise<ValidateFixResult>;
  openPullRequest(input: OpenPullRequestInput): Promise<OpenPullRequestResult>;
  followUpPullRequest(input: { ref: IssueRef }): Promise<FollowUpResult>;
  /** Returns what it recorded, so the run's history (a local activity's marker keeps no input) shows it. */
  recordIssueRun(input: RecordIssueRunInput): Promise<RecordedIssueRun>;
  /** Our open PR for this issue, when an earlier run opened one (a rerun adopts it). */
  findOwnPullRequest(ref: IssueRef): Promise<{ number: number; url: string | null; state: string } | null>;
}

export interface RecordedIssueRun { runId: string; result: string }

export interface CampaignOptionsData {
  id: string;
  forge: ForgeKind;
  domain: string;
  language?: string;
  minStars: number;
  minHealth?: number;
  maxRepos: number;
  maxIssues: number;
  tokenBudget: number;
  /** The campaign's dollar cap (absent: none). */
  usdBudget?: number;
  analyzer: 'offline' | 'llm' | 'auto';
  dryRun: boolean;
  /** Issues out at repositories at once (absent: the default window). */
  inFlight?: number;
}

export interface CampaignRepo { forge: ForgeKind; owner: string; repo: string; language: string | null }

/** A repository's selected issues, in rank order (titles are absent in histories recorded before they were added). */
export type SelectedRepo = CampaignRepo & { issues: number[]; priorities: number[]; titles?: string[] };

export interface CampaignDiscovery {
  repos: CampaignRepo[];
  discovered: number;
  rejected: number;
  /** Rejections per filter (absent in histories recorded before it existed). */
  rejectedBy?: Record<string, number>;
  /** When no repository was selected: which step removed what, with counts. */
  emptyNote?: string;
}

export interface CampaignActivities {
  campaignDiscover(opts: CampaignOptionsData): Promise<CampaignDiscovery>;
  campaignIntake(input: { repos: CampaignRepo[] }): Promise<{ issues: number; skipped: number }>;
  campaignAnalyze(input: { repos: CampaignRepo[]; campaign: CampaignOptionsData }): Promise<{ analyzed: number; failed: number; analyzer: string; note?: string }>;
  campaignRerank(): Promise<{ ranked: number }>;
  /** Starts the follow-up of each PR recorded open whose follow-up Temporal has never seen (its opener died with its run terminated). */
  ensureFollowUps(): Promise<{ open: number; started: number }>;
  campaignSelect(input: { repos: CampaignRepo[]; maxIssues: number }): Promise<SelectedRepo[]>;
  /** Runs recorded before the fan-out window only; a campaign now sends waves. */
  enqueueRepoIssues(input: { repo: CampaignRepo; issues: QueuedIssue[] }): Promise<void>;
  /** One wave of the campaign's window: each repository workflow is sent its issues (created on first use). */
  enqueueWave(input: { batches: Array<{ repo: CampaignRepo; issues: QueuedIssue[] }> }): Promise<void>;
}
