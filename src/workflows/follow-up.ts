import {
  ParentClosePolicy, condition, log, proxyActivities, setHandler, sleep, startChild, upsertSearchAttributes,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { IssueStageActivities } from './contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { issueStatusQuery, pauseSignal, resumeSignal, type IssueRef } from './shared.js';
import { DEFAULT_FOLLOW_UP, followUpStart, type FollowUpInput, type FollowUpStarted } from './follow-up-start.js';
import { stageOptions } from './stage-options.js';
import { issueKey } from './summaries.js';

export type { FollowUpInput } from './follow-up-start.js';


/**
 * Follows one opened PR (`followup/<owner>/<repo>/<number>`) to its outcome: merged, closed, or
 * the end of the cadence. It runs beside new work: no repository slot is held while it waits.
 */
export async function followUpWorkflow(input: FollowUpInput): Promise<{ state: string; checks: number }> {
  const { followUpPullRequest } = proxyActivities<IssueStageActivities>({ ...stageOptions(input.taskQueuePrefix, input.forge).followUp, summary: `look at the pull request for ${issueKey(input)}` });
  const ref: IssueRef = { forge: input.forge, owner: input.owner, repo: input.repo, number: input.number };
  const cadence = input.cadence ?? DEFAULT_FOLLOW_UP;
  let paused = false;
  let pauseReason: string | undefined;
  let state = 'open';
  setHandler(pauseSignal, (req) => { paused = true; pauseReason = req?.reason; });
  setHandler(resumeSignal, () => { paused = false; pauseReason = undefined; });
  setHandler(issueStatusQuery, () => ({ stage: `follow_up:${state}`, paused, pauseReason }));
  let checks = 0;
  while (checks < cadence.checks) {
    await sleep(cadence.every);
    await condition(() => !paused);
    const r = await followUpPullRequest({ ref });
    checks++;
    state = r.state;
    if (r.done) break;
  }
  upsertSearchAttributes([{ key: SA.stage, value: `follow_up:${state}` }]);
  return { state, checks };
}

/**
 * Starts the follow-up of an opened PR, detached from the issue workflow (which ends at its
 * decision). A follow-up already running for this PR (started by the activity that opened it, or
 * a rerun found its own PR) is adopted.
 */
export async function startFollowUp(input: FollowUpInput): Promise<FollowUpStarted> {
  const { workflowId, ...options } = followUpStart(input);
  try {
    await startChild(followUpWorkflow, { workflowId, ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
    return { workflowId, adopted: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    log.info('follow-up already running: adopted', { workflowId });
    return { workflowId, adopted: true };
  }
}
