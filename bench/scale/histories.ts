// Figures read from workflow histories: queue waits (scheduled → started), per-issue wall time,
// and the largest history (events and bytes) with the number of runs continue-as-new made.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;

export interface TaskTimes {
  /** Milliseconds each task waited on its queue, keyed by queue (workflow tasks under `<queue>:workflow`). */
  waits: Map<string, number[]>;
  /** Milliseconds from scheduled to completed, keyed by activity type. */
  activities: Map<string, number[]>;
}

const push = (m: Map<string, number[]>, k: string, v: number): void => { m.set(k, [...(m.get(k) ?? []), v]); };

/** Adds one history's queue waits and activity durations to `into`. */
export function taskTimes(history: History, into: TaskTimes): void {
  const scheduled = new Map<number, { at: number; queue: string; type?: string }>();
  for (const e of history.events ?? []) {
    const id = Number(e.eventId ?? 0);
    const a = e.activityTaskScheduledEventAttributes;
    const w = e.workflowTaskScheduledEventAttributes;
    if (a) {
      scheduled.set(id, { at: ms(e.eventTime), queue: a.taskQueue?.name ?? '?', type: a.activityType?.name ?? '?' });
    } else if (w) {
      // Sticky queues are per worker: every workflow task counts under its workflow's normal queue.
      scheduled.set(id, { at: ms(e.eventTime), queue: `${w.taskQueue?.normalName || w.taskQueue?.name || '?'}:workflow` });
    } else if (e.activityTaskCompletedEventAttributes) {
      const s = scheduled.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId ?? 0));
      if (s?.type) push(into.activities, s.type, ms(e.eventTime) - s.at);
    } else {
      const started = e.activityTaskStartedEventAttributes ?? e.workflowTaskStartedEventAttributes;
      const s = started ? scheduled.get(Number(started.scheduledEventId ?? 0)) : undefined;
      if (s) push(into.waits, s.queue, ms(e.eventTime) - s.at);
    }
  }
}

export interface HistorySize { workflowId: string; runs: number; events: number; bytes: number; total: number; byType: Map<string, number> }

/** The event's type without its enum prefix (`EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `activity_task_scheduled`). */
function eventTypeName(e: proto.temporal.api.history.v1.IHistoryEvent): string {
  const name = proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase();
}

/** Adds each event of `history` to `into`, counted by type. */
export function countEventTypes(history: History, into: Map<string, number>): void {
  for (const e of history.events ?? []) {
    const t = eventTypeName(e);
    into.set(t, (into.get(t) ?? 0) + 1);
  }
}

/** Every run of `workflowId` (continue-as-new makes more): the largest run's events and bytes, and all runs' events by type. */
export async function historySize(client: Client, workflowId: string): Promise<HistorySize> {
  const out: HistorySize = { workflowId, runs: 0, events: 0, bytes: 0, total: 0, byType: new Map() };
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    out.runs += 1;
    out.total += history.events?.length ?? 0;
    countEventTypes(history, out.byType);
    out.events = Math.max(out.events, history.events?.length ?? 0);
    out.bytes = Math.max(out.bytes, proto.temporal.api.history.v1.History.encode(history).finish().length);
  }
  return out;
}

export interface IssueRun { workflowId: string; runId: string; wallS: number; startMs: number; closeMs: number }

/** Closed issue workflows of the world, with their wall times. */
export async function issueRuns(client: Client): Promise<IssueRun[]> {
  const out: IssueRun[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH 'issue/local/' AND ExecutionStatus != 'Running'` })) {
    if (!wf.closeTime) continue;
    out.push({ workflowId: wf.workflowId, runId: wf.runId, startMs: wf.startTime.getTime(), closeMs: wf.closeTime.getTime(), wallS: (wf.closeTime.getTime() - wf.startTime.getTime()) / 1000 });
  }
  return out;
}

/** An even sample of at most `max` items. */
export function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T);
}
