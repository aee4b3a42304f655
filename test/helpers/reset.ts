import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type EventId = NonNullable<HistoryEvent['eventId']>;

/** A workflow run's history events. */
export async function historyEvents(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

/** A local activity's marker: its type and what it returned (the marker keeps no input). */
export function localActivityMarker<T>(event: HistoryEvent): { type: string; result: T | undefined } | undefined {
  const details = event.markerRecordedEventAttributes?.details;
  const data = details?.['data']?.payloads?.[0];
  if (!data) return undefined;
  const type = defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data).activity_type;
  if (!type) return undefined;
  const result = details['result']?.payloads?.[0];
  return { type, result: result ? defaultPayloadConverter.fromPayload<T>(result) : undefined };
}

/** The first workflow task: the Web UI's "Reset" and `temporal workflow reset --type FirstWorkflowTask`. */
export function firstWorkflowTask(events: readonly HistoryEvent[]): EventId {
  const e = events.find((x) => x.workflowTaskCompletedEventAttributes);
  if (!e?.eventId) throw new Error('no completed workflow task in the history');
  return e.eventId;
}

/** The workflow task completed right after the last completed activity: what follows that activity runs again. */
export function afterLastCompletedActivity(events: readonly HistoryEvent[]): EventId {
  const last = events.findLastIndex((x) => x.activityTaskCompletedEventAttributes);
  const e = events.slice(last + 1).find((x) => x.workflowTaskCompletedEventAttributes);
  if (last < 0 || !e?.eventId) throw new Error('no workflow task after a completed activity');
  return e.eventId;
}

/** The workflow task that scheduled the last activity of this type: reset there and the activity runs again. */
export function beforeActivity(events: readonly HistoryEvent[], activityType: string): EventId {
  const scheduled = events.findLast((x) => x.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
  const id = scheduled?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId;
  if (!id) throw new Error(`no ${activityType} activity was scheduled`);
  return id;
}

/**
 * Resets a workflow to a workflow task with the call the Web UI and `temporal workflow reset
 * --event-id` make; returns the new run's ID.
 */
export async function resetWorkflow(client: Client, workflowId: string, workflowTaskFinishEventId: EventId, reason: string): Promise<string> {
  const { runId } = await client.workflow.getHandle(workflowId).describe();
  const r = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace, workflowExecution: { workflowId, runId },
    workflowTaskFinishEventId, requestId: `reset-${workflowId}-${String(workflowTaskFinishEventId)}-${Date.now()}`, reason,
  });
  if (!r.runId) throw new Error(`reset of ${workflowId} returned no run`);
  return r.runId;
}
