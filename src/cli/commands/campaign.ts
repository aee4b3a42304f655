import type { Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SA } from '../../temporal/search-attributes.js';
import { withTemporal } from '../temporal-client.js';
import { printJson } from '../output.js';
import { startCampaign } from '../../campaign/start.js';
import { parseCampaignId, parseCampaignOptions } from '../../campaign/options.js';
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

function describe(p: CampaignProgress, followUps?: number): string {
  const outcomes = Object.entries(p.outcomes).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  return [
    `campaign ${p.id}: ${p.phase}`,
    `repositories: ${p.repos} approved, ${p.rejected} rejected`,
    `issues: ${p.issues} taken in, ${p.analyzed} analyzed${p.analyzer ? ` (${p.analyzer})` : ''}, ${p.enqueued} enqueued, ${p.finished} decided`,
    `decisions: ${outcomes}`,
    ...(p.pending.length > 0 ? [`waiting for: ${p.pending.slice(0, 20).join(', ')}${p.pending.length > 20 ? ` and ${p.pending.length - 20} more` : ''}`] : []),
    ...(followUps !== undefined ? [`follow-ups running: ${followUps} (opened PRs watched until merged, closed or 14 days)`] : []),
    ...p.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** Follow-up workflows of this campaign's PRs still running (they outlive the campaign). */
async function runningFollowUps(client: Client, id: string): Promise<number> {
  const r = await client.workflow.count(`WorkflowType = 'followUpWorkflow' AND ${SA.campaign.name} = '${id}' AND ExecutionStatus = 'Running'`);
  return r.count;
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
    .option('--wait', 'wait until every selected issue reached a decision (PR opened, skipped, no fix, failed, already claimed); follow-ups go on')
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
        const progress = await started.result();
        if (flags.json) printJson(progress);
        else process.stdout.write(`${describe(progress)}\n`);
      });
    });
  campaign.command('status <id>')
    .description('progress of a campaign: decisions so far, and the follow-ups of its PRs')
    .option('--json', 'one JSON document')
    .action(async (raw: string, opts: { json?: boolean }) => {
      const id = parseCampaignId(raw);
      const { progress, followUps } = await withTemporal(async (client) => {
        try {
          return { progress: await client.workflow.getHandle(campaignWorkflowId(id)).query(campaignProgressQuery), followUps: await runningFollowUps(client, id) };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new ServiceUnavailable(`no campaign ${id}`);
          throw err;
        }
      });
      if (opts.json) printJson({ ...progress, followUps });
      else process.stdout.write(`${describe(progress, followUps)}\n`);
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
