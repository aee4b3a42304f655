import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { reprioritizeWorkflow } from '../../src/workflows/scheduled.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

// The 6-hourly re-ranking also follows every open PR of ours that has no follow-up: an issue run
// terminated while its open_pr ran, whose worker died before it could start the follow-up.
let world: ExampleWorld;
// Names of their own: workflow IDs are global on the suite's shared Temporal server.
const FOLLOW_UPS = ['followup/local/sweep-a/1', 'followup/local/sweep-a/2', 'followup/local/sweep-b/1', 'followup/local/sweep-b/2'];

before(async () => { world = await startExampleWorld([]); });
after(async () => {
  for (const id of FOLLOW_UPS) await world.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await world.close();
});

async function recordPr(name: string, issue: number, state: string, ageDays: number): Promise<void> {
  await world.db.pool.query(
    `INSERT INTO pull_requests (forge, owner, name, issue_number, number, branch, state, body, created_at)
     VALUES ('local', 'local', $1, $2, $3, $4, $5, 'body', now() - $6::double precision * interval '1 day')`,
    [name, issue, 100 + issue, `globallm/issue-${issue}`, state, ageDays]);
}

async function sweep(run: string): Promise<{ ranked: number; followUpsStarted?: number }> {
  return world.client.workflow.execute<typeof reprioritizeWorkflow>('reprioritizeWorkflow', {
    workflowId: `test-reprioritize-${run}`, taskQueue: taskQueue(world.workers.prefix, 'core'), args: [{ taskQueuePrefix: world.workers.prefix }],
  });
}

async function status(id: string): Promise<string> {
  try {
    return (await world.client.workflow.getHandle(id).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NONE';
    throw err;
  }
}

test('an open PR with no follow-up gets one; a running, ended, closed or too old one is left alone', async () => {
  await recordPr('sweep-a', 1, 'open', 1); // unfollowed: its follow-up is started
  await recordPr('sweep-a', 2, 'draft', 0); // followed by an operator's choice below, then terminated: left
  await recordPr('sweep-b', 1, 'merged', 1); // already decided: nothing to follow
  await recordPr('sweep-b', 2, 'open', 20); // older than the follow-up window: Temporal may have forgotten its run

  const first = await sweep('1');
  assert.equal(first.followUpsStarted, 2, JSON.stringify(first));
  assert.equal(await status('followup/local/sweep-a/1'), 'RUNNING');
  assert.equal(await status('followup/local/sweep-b/1'), 'NONE');
  assert.equal(await status('followup/local/sweep-b/2'), 'NONE');

  // An operator ends a follow-up: the sweep does not bring it back, and a running one is not started twice.
  await world.client.workflow.getHandle('followup/local/sweep-a/2').terminate('operator: stop following');
  const second = await sweep('2');
  assert.equal(second.followUpsStarted, 0, JSON.stringify(second));
  assert.equal(await status('followup/local/sweep-a/2'), 'TERMINATED');
  assert.equal(await status('followup/local/sweep-a/1'), 'RUNNING');
});
