import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { discoveryWorkflow, reprioritizeWorkflow } from '../workflows/scheduled.js';

export const DISCOVERY_SCHEDULE_ID = 'globallm-discovery';
export const REPRIORITIZE_SCHEDULE_ID = 'globallm-reprioritize';

/**
 * The two schedules: discovery every day and re-prioritization every 6 hours. Created once,
 * updated in place on later start-ups (never duplicated). Discovery starts paused without a
 * GitHub token, with a note saying why.
 */
export async function ensureSchedules(client: Client, opts: { taskQueuePrefix: string; githubToken: boolean }): Promise<string[]> {
  const taskQueue = `${opts.taskQueuePrefix}-core`;
  const discovery: ScheduleOptions = {
    scheduleId: DISCOVERY_SCHEDULE_ID,
    spec: { intervals: [{ every: '24h' }], jitter: '10m' },
    action: {
      type: 'startWorkflow', workflowType: 'discoveryWorkflow' satisfies (typeof discoveryWorkflow)['name'], taskQueue, workflowId: 'scheduled/discovery',
      args: [{ taskQueuePrefix: opts.taskQueuePrefix, options: { id: 'scheduled-discovery', forge: 'github', domain: 'overall', minStars: 1000, maxRepos: 500, maxIssues: 0, tokenBudget: 0, analyzer: 'offline', dryRun: true } }],
      staticSummary: 'daily discovery: GitHub libraries with at least 1000 stars, up to 500, and their open issues',
      staticDetails: 'Discovers, filters and scores repositories and takes in their issues; it fans out nothing and calls no model.',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: opts.githubToken ? { note: 'daily discovery' } : { paused: true, note: 'paused: set GITHUB_TOKEN, then unpause to discover on GitHub daily' },
  };
  const reprioritize: ScheduleOptions = {
    scheduleId: REPRIORITIZE_SCHEDULE_ID,
    spec: { intervals: [{ every: '6h' }] },
    action: {
      type: 'startWorkflow', workflowType: 'reprioritizeWorkflow' satisfies (typeof reprioritizeWorkflow)['name'], taskQueue, workflowId: 'scheduled/reprioritize',
      args: [{ taskQueuePrefix: opts.taskQueuePrefix }],
      staticSummary: 're-rank every open issue in PostgreSQL',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: { note: 're-rank every open issue every 6 hours' },
  };
  const ids: string[] = [];
  for (const schedule of [discovery, reprioritize]) {
    try {
      await client.schedule.create(schedule);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(schedule.scheduleId).update((prev) => ({ ...prev, spec: schedule.spec, action: schedule.action, ...(schedule.policies ? { policies: schedule.policies } : {}) }));
    }
    ids.push(schedule.scheduleId);
  }
  return ids;
}
