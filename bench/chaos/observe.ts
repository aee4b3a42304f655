import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

/** An activity attempt Temporal holds as pending: which workflow, which activity, which worker ran it last. */
export interface PendingActivity {
  workflowId: string;
  activityId: string;
  type: string;
  attempt: number;
  started: boolean;
  worker: string;
}

const key = (a: { workflowId: string; activityId: string }): string => `${a.workflowId} ${a.activityId}`;
const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** Every pending activity of the running workflows (follow-ups aside: they sleep between checks). */
export async function pendingActivities(client: Client): Promise<PendingActivity[]> {
  const out: PendingActivity[] = [];
  const describes: Array<Promise<void>> = [];
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = "Running" AND WorkflowType != "followUpWorkflow"` })) {
    describes.push(client.workflow.getHandle(wf.workflowId, wf.runId).describe().then((d) => {
      for (const a of d.raw.pendingActivities ?? []) {
        out.push({
          workflowId: wf.workflowId, activityId: a.activityId ?? '', type: a.activityType?.name ?? '', attempt: a.attempt ?? 1,
          started: a.state === STARTED, worker: a.lastWorkerIdentity ?? '',
        });
      }
    }, () => undefined));
  }
  await Promise.all(describes);
  return out;
}

/**
 * Whether Temporal has taken back every attempt a dead worker held: each finished or was
 * scheduled again (a later attempt, running or waiting for a free slot behind other work).
 */
export function recovered(held: readonly PendingActivity[], now: readonly PendingActivity[]): boolean {
  const current = new Map(now.map((a) => [key(a), a]));
  return held.every((h) => {
    const c = current.get(key(h));
    return !c || c.attempt > h.attempt;
  });
}

/**
 * Whether the attempts that a dead worker held have moved on: each either finished (no longer
 * pending) or is running again as a later attempt.
 */
export function resumed(held: readonly PendingActivity[], now: readonly PendingActivity[]): boolean {
  const current = new Map(now.map((a) => [key(a), a]));
  return held.every((h) => {
    const c = current.get(key(h));
    return !c || (c.attempt > h.attempt && c.started);
  });
}

/** Whether anything moved between two looks: an attempt finished, started or was retried. */
export function changed(before: readonly PendingActivity[], now: readonly PendingActivity[]): boolean {
  const sig = (xs: readonly PendingActivity[]): string => xs.map((a) => `${key(a)} ${a.attempt} ${String(a.started)}`).sort().join('\n');
  return sig(before) !== sig(now);
}
