import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { SA } from '../../src/temporal/search-attributes.js';
import { CLAIM_REUSE_POLICY, issueWorkflowId } from '../../src/workflows/shared.js';
import type { issueWorkflow, IssueWorkInput } from '../../src/workflows/issue.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

export type ClaimResult =
  | { claimed: true; workflowId: string; runId: string }
  | { claimed: false; workflowId: string; existingRunId: string | undefined };

/**
 * For tests and the claims benchmark: an issue workflow started straight from a client, with the
 * same ID and policies the repository workflow's startChild uses. Starting the issue workflow is the claim: its ID is `issue/<owner>/<repo>/<number>`, a
 * running one makes the start fail (conflict policy FAIL); a closed one may be started again
 * (PostgreSQL decides when an issue is due). Whoever loses the race learns which run holds the claim.
 */
export async function claimIssue(client: Client, input: IssueWorkInput, opts: { describeExisting?: boolean } = {}): Promise<ClaimResult> {
  const workflowId = issueWorkflowId(input);
  try {
    const handle = await client.workflow.start<typeof issueWorkflow>('issueWorkflow', {
      workflowId,
      taskQueue: taskQueue(input.taskQueuePrefix, 'core'),
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: CLAIM_REUSE_POLICY,
      typedSearchAttributes: [
        { key: SA.repo, value: `${input.owner}/${input.repo}` },
        { key: SA.stage, value: 'queued' },
        ...(input.campaign ? [{ key: SA.campaign, value: input.campaign }] : []),
      ],
    });
    return { claimed: true, workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    let existingRunId: string | undefined;
    if (opts.describeExisting !== false) {
      try {
        existingRunId = (await client.workflow.getHandle(workflowId).describe()).runId;
      } catch { /* closed and gone from retention */ }
    }
    return { claimed: false, workflowId, existingRunId };
  }
}
