import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { withTemporal } from '../temporal-client.js';
import { printJson } from '../output.js';
import { progressBar } from '../progress.js';
import type { StartedCampaign } from '../../campaign/start.js';
import { startCampaign } from '../../campaign/start.js';
import { parseCampaignOptions } from '../../campaign/options.js';
import { campaignProgressQuery, type CampaignProgress } from '../../workflows/campaign.js';
import { campaignWorkflowId } from '../../workflows/shared.js';
import { ServiceUnavailable } from '../../errors.js';

interface StartFlags {
  id?: string; forge?: string; domain?: string; language?: string; minStars?: string;
  maxRepos?: string; maxIssues?: string; tokenBudget?: string; analyzer?: string; dryRun?: boolean; wait?: boolean; json?: boolean;
}

/** CLI flags → campaign options (validated by the same zod schema as `startCampaign`). */
export function flagsToOptions(f: StartFlags): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const set = (k: string, v: unknown): void => { if (v !== undefined) o[k] = v; };
  set('id', f.id); set('forge', f.forge); set('domain', f.domain); set('language', f.language);
  set('minStars', f.minStars); set('maxRepos', f.maxRepos); set('maxIssues', f.maxIssues); set('tokenBudget', f.tokenBudget);
  set('analyzer', f.analyzer); set('dryRun', f.dryRun); set('wait', f.wait);
  return o;
}

function describe(p: CampaignProgress): string {
  const outcomes = Object.entries(p.outcomes).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  return [
    `campaign ${p.id}: ${p.phase}`,
    `repositories: ${p.repos} approved, ${p.rejected} rejected`,
    `issues: ${p.issues} taken in, ${p.analyzed} analyzed${p.analyzer ? ` (${p.analyzer})` : ''}, ${p.enqueued} enqueued, ${p.finished} finished`,
    `outcomes: ${outcomes}`,
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

export function registerCampaign(program: Command): void {
  const campaign = program.command('campaign').description('start, watch and cancel campaigns');
  campaign.command('start')
    .description('discover → analyze → prioritize → fan out to repository workflows')
    .option('--id <id>', 'campaign id (default: generated)')
    .option('--forge <forge>', 'github, or local (the git repositories under GLOBALLM_LOCAL_ROOT)')
    .option('--domain <domain>', 'ai_ml, web_dev, data_science, cloud_devops, mobile, security, games, overall')
    .option('--language <language>', 'programming language filter')
    .option('--min-stars <n>', 'minimum stars (github)')
    .option('--max-repos <n>', 'repositories at most')
    .option('--max-issues <n>', 'issues at most')
    .option('--token-budget <n>', 'model tokens this campaign may spend')
    .option('--analyzer <kind>', 'offline, llm or auto')
    .option('--dry-run', 'everything except forge writes; PR bodies and patches saved for review')
    .option('--wait', 'wait until every enqueued issue finished')
    .option('--json', 'one JSON document')
    .action(async (flags: StartFlags) => {
      parseCampaignOptions(flagsToOptions(flags)); // bad options fail here, before any connection
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
    });
  campaign.command('status <id>')
    .description('progress of a campaign')
    .option('--json', 'one JSON document')
    .action(async (id: string, opts: { json?: boolean }) => {
      const progress = await withTemporal(async (client) => {
        try {
          return await client.workflow.getHandle(campaignWorkflowId(id)).query(campaignProgressQuery);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new ServiceUnavailable(`no campaign ${id}`);
          throw err;
        }
      });
      if (opts.json) printJson(progress);
      else process.stdout.write(`${describe(progress)}\n`);
    });
  campaign.command('cancel <id>')
    .description('cancel a campaign (running activities are cancelled through their heartbeats)')
    .action(async (id: string) => {
      await withTemporal(async (client) => {
        try {
          await client.workflow.getHandle(campaignWorkflowId(id)).cancel();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new ServiceUnavailable(`no campaign ${id}`);
          throw err;
        }
      });
      process.stdout.write(`cancelled campaign ${id}\n`);
    });
}
