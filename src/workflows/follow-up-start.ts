// How a PR's follow-up workflow is started, whoever starts it: the issue workflow (a detached
// child) or the activity that opened the PR (a client start). Pure, safe in workflow code.
import { SA } from '../temporal/search-attributes.js';
import { taskQueue } from '../temporal/task-queues.js';
import { CLAIM_REUSE_POLICY, followUpWorkflowId, type IssueRef } from './shared.js';
import { followUpSummary } from './summaries.js';

const EVERY_HOURS = 6;
const CHECKS = 56;
/** A follow-up looks every 6 hours, 56 times: 14 days, well within Temporal's 30-day retention. */
export const DEFAULT_FOLLOW_UP = { every: `${EVERY_HOURS}h`, checks: CHECKS } as const;
export const FOLLOW_UP_DAYS = (EVERY_HOURS * CHECKS) / 24;

/** What a follow-up needs besides its issue: where it runs and how often it looks. */
export interface FollowUpSettings {
  taskQueuePrefix: string;
  campaign?: string;
  /** How often the PR is looked at, and how many times at most (default: every 6 h, 14 days). */
  cadence?: { every: string; checks: number };
}

export type FollowUpInput = IssueRef & FollowUpSettings;

/** What a start of a follow-up tells the caller: its ID, and whether one was already running (adopted). */
export interface FollowUpStarted { workflowId: string; adopted: boolean }

/** The follow-up's ID, queue, ID policy, summary and search attributes: the same from either starter. */
export function followUpStart(input: FollowUpInput) {
  const args: [FollowUpInput] = [input];
  return {
    workflowId: followUpWorkflowId(input),
    args,
    taskQueue: taskQueue(input.taskQueuePrefix, 'core'),
    workflowIdReusePolicy: CLAIM_REUSE_POLICY,
    staticSummary: followUpSummary(input),
    typedSearchAttributes: [
      { key: SA.repo, value: `${input.owner}/${input.repo}` },
      { key: SA.stage, value: 'follow_up' },
      ...(input.campaign ? [{ key: SA.campaign, value: input.campaign }] : []),
    ],
  };
}
