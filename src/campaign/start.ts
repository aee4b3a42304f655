import type { Client } from '@temporalio/client';
import { newCampaignId, parseCampaignOptions, type CampaignOptions, type ParsedCampaignOptions } from './options.js';
import { campaignWorkflowId } from '../workflows/shared.js';
import { SA } from '../temporal/search-attributes.js';
import { taskQueue } from '../temporal/task-queues.js';
import { campaignDetails, campaignSummary } from '../workflows/summaries.js';
import { campaignProgressQuery, type campaignWorkflow, type CampaignInput, type CampaignProgress } from '../workflows/campaign.js';

export interface StartedCampaign {
  id: string;
  workflowId: string;
  runId: string;
  options: ParsedCampaignOptions;
  /** Resolves with the final progress when every enqueued issue reached a decision. */
  result(): Promise<CampaignProgress>;
  /** The campaign's progress now (a query). */
  progress(): Promise<CampaignProgress>;
}

/**
 * Starts a campaign: discovery → analysis → prioritization → fan-out to repository workflows.
 * Options are validated first; invalid ones throw a UsageError naming the option and start nothing.
 */
export async function startCampaign(client: Client, options: CampaignOptions, ctx: { taskQueuePrefix: string }): Promise<StartedCampaign> {
  const o = parseCampaignOptions(options);
  const id = o.id ?? newCampaignId();
  const input: CampaignInput = {
    id, forge: o.forge, domain: o.domain, minStars: o.minStars, maxRepos: o.maxRepos, maxIssues: o.maxIssues,
    tokenBudget: o.tokenBudget, analyzer: o.analyzer, dryRun: o.dryRun, inFlight: o.inFlight,
    ...(o.language ? { language: o.language } : {}),
    ...(o.minHealth !== undefined ? { minHealth: o.minHealth } : {}),
    ...(o.usdBudget !== undefined ? { usdBudget: o.usdBudget } : {}),
    taskQueuePrefix: ctx.taskQueuePrefix,
  };
  const handle = await client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
    workflowId: campaignWorkflowId(id),
    taskQueue: taskQueue(ctx.taskQueuePrefix, 'core'),
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: campaignSummary(input),
    staticDetails: campaignDetails(input),
    typedSearchAttributes: [{ key: SA.campaign, value: id }, { key: SA.stage, value: 'discover' }],
  });
  return { id, workflowId: handle.workflowId, runId: handle.firstExecutionRunId, options: o, result: () => handle.result(), progress: () => handle.query(campaignProgressQuery) };
}
