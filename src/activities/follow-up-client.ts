import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { followUpWorkflow } from '../workflows/follow-up.js';
import { followUpStart, type FollowUpInput, type FollowUpStarted } from '../workflows/follow-up-start.js';

/**
 * Starts a PR's follow-up workflow from outside a workflow (the activity that opened the PR), so
 * the PR is followed whatever then happens to its issue workflow. One already running is adopted.
 */
export async function startFollowUpFromClient(client: Client, input: FollowUpInput): Promise<FollowUpStarted> {
  const options = followUpStart(input);
  try {
    await client.workflow.start<typeof followUpWorkflow>('followUpWorkflow', options);
    return { workflowId: options.workflowId, adopted: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { workflowId: options.workflowId, adopted: true };
  }
}
