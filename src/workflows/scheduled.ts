import { executeChild, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CampaignActivities, CampaignOptionsData } from './contracts.js';
import { SA } from '../temporal/search-attributes.js';
import { campaignWorkflow, type CampaignProgress } from './campaign.js';
import { campaignWorkflowId } from './shared.js';
import { stageOptions } from './stage-options.js';
import { campaignDetails, campaignSummary } from './summaries.js';

/** The discovery schedule's options: a campaign's, without its id, and whether it fans out to fixing. */
export type ScheduledDiscoveryOptionsData = Omit<CampaignOptionsData, 'id'> & { fanOut?: boolean };

export interface ScheduledDiscoveryInput { taskQueuePrefix: string; options: ScheduledDiscoveryOptionsData }

/**
 * Run by the discovery schedule: a campaign of its own (`scheduled-<run>`) with the schedule's
 * options — discovery → intake → analysis → re-ranking, and fan-out to fixing only when the
 * schedule says `fanOut`. It ends with the campaign.
 */
export async function discoveryWorkflow(input: ScheduledDiscoveryInput): Promise<CampaignProgress> {
  const { fanOut, ...options } = input.options;
  const campaign = { ...options, id: `scheduled-${workflowInfo().runId.slice(0, 8)}`, fanOut: fanOut ?? false };
  return executeChild(campaignWorkflow, {
    workflowId: campaignWorkflowId(campaign.id),
    args: [{ ...campaign, taskQueuePrefix: input.taskQueuePrefix }],
    staticSummary: campaignSummary(campaign),
    staticDetails: campaignDetails(campaign),
    typedSearchAttributes: [{ key: SA.campaign, value: campaign.id }, { key: SA.stage, value: 'discover' }],
  });
}

/**
 * Run by the 6-hourly schedule: one set-based re-ranking of every open issue in PostgreSQL, then
 * a follow-up for any open PR of ours that has none.
 */
export async function reprioritizeWorkflow(input: { taskQueuePrefix: string }): Promise<{ ranked: number; followUpsStarted?: number }> {
  const core = (summary: string) => proxyActivities<CampaignActivities>({ ...stageOptions(input.taskQueuePrefix).campaign, summary });
  const { ranked } = await core('re-rank every open issue').campaignRerank();
  if (!patched('ensure-follow-ups')) return { ranked };
  const { started } = await core('follow every open PR of ours').ensureFollowUps();
  return { ranked, followUpsStarted: started };
}
