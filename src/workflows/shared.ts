// Signals, queries and ids shared by workflows and clients (CLI, scripts, the `temporal` CLI).
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface IssueRef {
  forge: 'github' | 'local';
  owner: string;
  repo: string;
  number: number;
}

export interface PauseRequest { reason?: string }

export const pauseSignal = defineSignal<[PauseRequest?]>('pause');
export const resumeSignal = defineSignal<[PauseRequest?]>('resume');

export interface QueuedIssue { number: number; priority: number; campaign?: string; dryRun: boolean; campaignWorkflowId?: string }
export const enqueueSignal = defineSignal<[{ issues: QueuedIssue[]; forge: IssueRef['forge'] }]>('enqueue');

export type IssueOutcome = 'pr_opened' | 'skipped' | 'failed' | 'no_fix' | 'dry_run' | 'already_claimed';
export interface IssueFinished { number: number; outcome: IssueOutcome; detail?: string }
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

export interface IssueStatus { stage: string; paused: boolean; pauseReason: string | undefined }
export const issueStatusQuery = defineQuery<IssueStatus>('status');

export const issueWorkflowId = (r: { owner: string; repo: string; number: number }): string => `issue/${r.owner}/${r.repo}/${r.number}`;
export const repoWorkflowId = (r: { owner: string; repo: string }): string => `repo/${r.owner}/${r.repo}`;
export const campaignWorkflowId = (id: string): string => `campaign/${id}`;
