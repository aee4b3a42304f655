// The Temporal work one campaign made, read from every workflow history of the stack: how many
// workflow tasks the worker's workflow threads ran, and how many activities and local activities
// its activity side ran. The SDK charges CPU per task whatever the task does, so these counts
// times its cost per task are the least orchestration CPU this pipeline can take.
import type { Client } from '@temporalio/client';
import { countEventTypes } from '../scale/histories.js';

export interface SdkTasks { workflows: number; workflowTasks: number; activities: number; localActivities: number }

/** Counts over every workflow run on the stack (each run of a continue-as-new chain too). */
export async function sdkTasks(client: Client): Promise<SdkTasks> {
  const out: SdkTasks = { workflows: 0, workflowTasks: 0, activities: 0, localActivities: 0 };
  for await (const run of client.workflow.list()) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const types = new Map<string, number>();
    countEventTypes(history, types);
    out.workflows += 1;
    out.workflowTasks += types.get('workflow_task_completed') ?? 0;
    out.activities += types.get('activity_task_scheduled') ?? 0;
    // A local activity leaves a marker; so does a patch, which is not a task.
    out.localActivities += (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
  }
  return out;
}
