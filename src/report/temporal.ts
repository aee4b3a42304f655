import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { SA } from '../temporal/search-attributes.js';
import { campaignProgressQuery, type CampaignProgress } from '../workflows/campaign.js';
import { campaignWorkflowId } from '../workflows/shared.js';
import type { StageDuration } from './types.js';

/** Issue workflows the report reads histories of, at most (newest first). */
export const MAX_HISTORIES = 200;

export interface IssueWorkflow { workflowId: string; runId: string; key: string; status: string }

/** `issue/<owner>/<repo>/<number>` → `owner/repo#number`. */
export function issueKeyOf(workflowId: string): string | null {
  const m = /^issue\/([^/]+)\/([^/]+)\/(\d+)$/.exec(workflowId);
  return m ? `${m[1]}/${m[2]}#${m[3]}` : null;
}

/** The issue workflows started (by one campaign, or all), newest first. */
export async function issueWorkflows(client: Client, campaign: string | null): Promise<IssueWorkflow[]> {
  const query = `WorkflowType = 'issueWorkflow'${campaign === null ? '' : ` AND ${SA.campaign.name} = '${campaign.replaceAll("'", "''")}'`}`;
  const out: IssueWorkflow[] = [];
  const seen = new Set<string>();
  for await (const wf of client.workflow.list({ query })) {
    const key = issueKeyOf(wf.workflowId);
    if (key === null || seen.has(wf.workflowId)) continue;
    seen.add(wf.workflowId);
    out.push({ workflowId: wf.workflowId, runId: wf.runId, key, status: wf.status.name.toLowerCase() });
  }
  return out;
}

/** The campaign's own progress (its query answers after it completed, while Temporal keeps it); null when unknown. */
export async function campaignProgress(client: Client, campaign: string): Promise<CampaignProgress | null> {
  try {
    return await client.workflow.getHandle(campaignWorkflowId(campaign)).query(campaignProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const millis = (e: HistoryEvent): number => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** Each completed activity of one history: its type and how long from scheduled to completed. */
export function activityDurations(events: HistoryEvent[]): Array<{ stage: string; ms: number }> {
  const scheduled = new Map<string, { stage: string; at: number }>();
  const out: Array<{ stage: string; ms: number }> = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { stage: s.activityType?.name ?? 'unknown', at: millis(e) });
    const done = e.activityTaskCompletedEventAttributes;
    const from = done ? scheduled.get(String(done.scheduledEventId)) : undefined;
    if (from) out.push({ stage: from.stage, ms: millis(e) - from.at });
  }
  return out;
}

function summarise(samples: Array<{ stage: string; ms: number }>): StageDuration[] {
  const by = new Map<string, number[]>();
  for (const s of samples) by.set(s.stage, [...(by.get(s.stage) ?? []), s.ms]);
  return [...by.entries()].map(([stage, ms]) => {
    const sorted = ms.sort((a, b) => a - b);
    return { stage, count: sorted.length, medianMs: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, maxMs: sorted.at(-1) ?? 0 };
  });
}

/** Per-stage durations over the newest issue workflows' histories. */
export async function stageDurations(client: Client, workflows: IssueWorkflow[]): Promise<StageDuration[]> {
  const samples: Array<{ stage: string; ms: number }> = [];
  for (const wf of workflows.slice(0, MAX_HISTORIES)) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    samples.push(...activityDurations(history.events ?? []));
  }
  return summarise(samples);
}
