// Signals, queries and ids shared by workflows and clients (CLI, scripts, the `temporal` CLI).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ForgeKind } from '../forge/types.js';

export interface IssueRef {
  forge: ForgeKind;
  owner: string;
  repo: string;
  number: number;
}

export interface PauseRequest { reason?: string }

export const pauseSignal = defineSignal<[PauseRequest?]>('pause');
export const resumeSignal = defineSignal<[PauseRequest?]>('resume');

export interface QueuedIssue { number: number; priority: number; campaign?: string; dryRun: boolean; campaignWorkflowId?: string; title?: string }
export const enqueueSignal = defineSignal<[{ issues: QueuedIssue[]; forge: IssueRef['forge'] }]>('enqueue');

export type IssueOutcome = 'pr_opened' | 'skipped' | 'failed' | 'no_fix' | 'dry_run' | 'already_claimed';
/** An issue's decision, sent to its repository (which frees the slot) and its campaign. `repo` is `owner/name`. */
export interface IssueFinished { repo: string; number: number; outcome: IssueOutcome; detail?: string }
export const issueFinishedSignal = defineSignal<[IssueFinished]>('issueFinished');

export interface RepoStatus {
  repo: string;
  paused: boolean;
  pauseReason: string | undefined;
  queued: number[];
  running: number[];
  finished: IssueFinished[];
  limits: { maxConcurrent: number };
}
export const repoStatusQuery = defineQuery<RepoStatus>('status');

/**
 * Issue and follow-up workflow IDs are claims while their run is open (conflict policy FAIL). A
 * closed run may be started again: whether an issue is tried again is decided in PostgreSQL
 * (its state and `retry_after`), which campaigns consult when they select issues.
 */
export const CLAIM_REUSE_POLICY = 'ALLOW_DUPLICATE' as const;

export interface IssueStatus { stage: string; paused: boolean; pauseReason: string | undefined }
export const issueStatusQuery = defineQuery<IssueStatus>('status');

export const issueWorkflowId = (r: { owner: string; repo: string; number: number }): string => `issue/${r.owner}/${r.repo}/${r.number}`;
export const repoWorkflowId = (r: { owner: string; repo: string }): string => `repo/${r.owner}/${r.repo}`;
export const followUpWorkflowId = (r: { owner: string; repo: string; number: number }): string => `followup/${r.owner}/${r.repo}/${r.number}`;
export const campaignWorkflowId = (id: string): string => `campaign/${id}`;
