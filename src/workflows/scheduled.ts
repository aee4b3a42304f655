import { proxyActivities } from '@temporalio/workflow';
import type { CampaignActivities, CampaignOptionsData } from '../activities/contracts.js';
import { stageOptions } from './stage-options.js';

export interface ScheduledDiscoveryInput { taskQueuePrefix: string; options: CampaignOptionsData }

/** Run by the daily schedule: discover and analyze repositories, take in their issues. No fan-out. */
export async function discoveryWorkflow(input: ScheduledDiscoveryInput): Promise<{ repos: number; issues: number }> {
  const github = proxyActivities<CampaignActivities>(stageOptions(input.taskQueuePrefix, input.options.forge).campaignGithub);
  const found = await github.campaignDiscover(input.options);
  const intake = await github.campaignIntake({ repos: found.repos });
  return { repos: found.repos.length, issues: intake.issues };
}

/** Run by the 6-hourly schedule: one set-based re-ranking of every open issue in PostgreSQL. */
export async function reprioritizeWorkflow(input: { taskQueuePrefix: string }): Promise<{ ranked: number }> {
  const core = proxyActivities<CampaignActivities>(stageOptions(input.taskQueuePrefix).campaign);
  return core.campaignRerank();
}
