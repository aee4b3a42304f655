import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { cliContext } from '../context.js';
import { requireCredentials } from '../credentials.js';
import { SA } from '../../temporal/search-attributes.js';
import { withTemporal } from '../temporal-client.js';
import { printJson } from '../output.js';
import { progressBar } from '../progress.js';
import type { StartedCampaign } from '../../campaign/start.js';
import { startCampaign } from '../../campaign/start.js';
import { rejectedByText } from '../../discovery/funnel.js';
import { parseCampaignId, parseCampaignOptions } from '../../campaign/options.js';
import { campaignProgressQuery, type CampaignProgress } from '../../workflows/campaign.js';
import { campaignWorkflowId } from '../../workflows/shared.js';
import { ServiceUnavailable } from '../../errors.js';

export interface StartFlags {
  id?: string; forge?: string; domain?: string; language?: string; minStars?: string; minHealth?: string;
  maxRepos?: string; maxIssues?: string; tokenBudget?: string; usdBudget?: string; analyzer?: string; dryRun?: boolean; inFlight?: string; wait?: boolean; json?: boolean;
}

/** CLI flags → campaign options (validated by the same zod schema as `startCampaign`). */
export function flagsToOptions(f: StartFlags): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const set = (k: string, v: unknown): void => { if (v !== undefined) o[k] = v; };
  set('id', f.id); set('forge', f.forge); set('domain', f.domain); set('language', f.language);
  set('minStars', f.minStars); set('minHealth', f.minHealth); set('maxRepos', f.maxRepos); set('maxIssues', f.maxIssues); set('tokenBudget', f.tokenBudget); set('usdBudget', f.usdBudget);
  set('analyzer', f.analyzer); set('dryRun', f.dryRun); set('inFlight', f.inFlight); set('wait', f.wait);
  return o;
}

function describe(p: CampaignProgress, followUps?: number): string {
  const outcomes = Object.entries(p.outcomes).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  return [
    `campaign ${p.id}: ${p.phase}`,
    `repositories: ${p.repos} approved, ${p.rejected} rejected${p.rejected > 0 ? ` (by ${rejectedByText(p.rejectedBy)})` : ''}`,
    `issues: ${p.issues} taken in, ${p.analyzed} analyzed${p.analyzer ? ` (${p.analyzer})` : ''}, ${p.enqueued} enqueued${p.waiting ? ` (${p.waiting} not yet sent to their repositories)` : ''}, ${p.finished} decided`,
    `decisions: ${outcomes}`,
    ...(p.pending.length > 0 ? [`waiting for: ${p.pending.slice(0, 20).join(', ')}${p.pending.length > 20 ? ` and ${p.pending.length - 20} more` : ''}`] : []),
    ...(followUps !== undefined ? [`follow-ups running: ${followUps} (opened PRs watched until merged, closed or 14 days)`] : []),
    ...p.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

const POLL_MS = 1_000;

/** Waits for the campaign's result; on a terminal, a bar of finished over enqueued issues, polled by query. */
async function resultWithProgress(started: StartedCampaign): Promise<CampaignProgress> {
  const bar = progressBar(`campaign ${started.id}`);
  let done = false;
  const poll = async (): Promise<void> => {
    while (!done) {
      try {
        const p = await started.progress();
        bar.update(p.finished, Math.max(p.enqueued, p.finished, 1), p.phase);
      } catch { /* not answering yet: try again */ }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const polling = process.stderr.isTTY ? poll() : Promise.resolve();
  try {
    const final = await started.result();
    bar.update(final.finished, Math.max(final.enqueued, final.finished, 1), final.phase);
    return final;
  } finally {
    done = true;
    await polling;
    bar.stop();
  }
}

export async function campaignStartAction(flags: StartFlags): Promise<void> {
  // Bad options and missing credentials fail here, before any connection.
  const parsed = parseCampaignOptions(flagsToOptions(flags));
  requireCredentials(cliContext().config, { github: parsed.forge === 'github', model: parsed.analyzer === 'llm' }, `campaign start --forge ${parsed.forge}`);
  await withTemporal(async (client, config) => {
    const started = await startCampaign(client, flagsToOptions(flags), { taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX });
    if (!flags.json) process.stdout.write(`started campaign ${started.id} (workflow ${started.workflowId})\n`);
    if (!started.options.wait) {
      if (flags.json) printJson({ id: started.id, workflowId: started.workflowId, runId: started.runId });
      return;
    }
    const progress = await resultWithProgress(started);
    if (flags.json) printJson(progress);
    else process.stdout.write(`${describe(progress)}\n`);
  });
}

async function onCampaign<T>(id: string, fn: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  return withTemporal(async (client) => {
    try {
      return await fn(client.workflow.getHandle(campaignWorkflowId(id)));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ServiceUnavailable(`no campaign ${id}`);
      throw err;
    }
  });
}

/** Follow-up workflows of this campaign's PRs still running (they outlive the campaign). */
async function runningFollowUps(client: Client, id: string): Promise<number> {
  const r = await client.workflow.count(`WorkflowType = 'followUpWorkflow' AND ${SA.campaign.name} = '${id}' AND ExecutionStatus = 'Running'`);
  return r.count;
}

export async function campaignStatusAction(raw: string, opts: { json?: boolean }): Promise<void> {
  const id = parseCampaignId(raw);
  const progress = await onCampaign(id, (handle) => handle.query(campaignProgressQuery));
  const followUps = await withTemporal((client) => runningFollowUps(client, id));
  if (opts.json) printJson({ ...progress, followUps });
  else process.stdout.write(`${describe(progress, followUps)}\n`);
}

export async function campaignCancelAction(id: string): Promise<void> {
  await onCampaign(id, (handle) => handle.cancel());
  process.stdout.write(`cancelled campaign ${id}\n`);
}
