import {
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { discoveryWorkflow, reprioritizeWorkflow, ScheduledDiscoveryInput } from '../workflows/scheduled.js';
import { parseScheduledDiscoveryOptions, scheduledDiscoveryData, ScheduledDiscoveryOptions } from './schedule-options.js';
import { UsageError } from '../errors.js';
import { taskQueue, taskQueuePrefixOf } from '../temporal/task-queues.js';

export const DISCOVERY_SCHEDULE_ID = 'globallm-discovery';
export const REPRIORITIZE_SCHEDULE_ID = 'globallm-reprioritize';

type DiscoveryAction = ScheduleOptionsStartWorkflowAction<typeof discoveryWorkflow>;

/** What the schedule's runs say of themselves in the Web UI, from its options. */
function discoverySummary(o: ScheduledDiscoveryOptions): string {
  const where = o.forge === 'github' ? 'GitHub' : 'local-forge';
  const what = [o.domain === 'overall' ? '' : o.domain, o.language ?? ''].filter(Boolean).join(' ');
  const health = o.minHealth !== undefined ? `, health at least ${o.minHealth}` : '';
  const then = o.fanOut ? `then the top ${o.maxIssues} issues are fixed${o.dryRun ? ' (dry run)' : ''}` : 'analyzed and ranked';
  return `daily discovery: ${where}${what ? ` ${what}` : ''} libraries with at least ${o.minStars} stars${health}, up to ${o.maxRepos}, ${then}`;
}

function discoveryDetails(o: ScheduledDiscoveryOptions): string {
  const model = o.analyzer === 'offline' && !o.fanOut ? 'it calls no model' : `analyzer ${o.analyzer}`;
  const fan = o.fanOut ? `fans out the top ${o.maxIssues} issues to their repositories` : 'fans out nothing';
  return `A campaign of its own: discovers, filters and scores repositories, takes in, analyzes and re-ranks their issues; ${fan}; ${model}.`;
}

/** The discovery schedule's action for these options (validated: a bad option is a UsageError). */
export function discoveryAction(taskQueuePrefix: string, options: unknown): DiscoveryAction {
  const o = parseScheduledDiscoveryOptions(options);
  const input: ScheduledDiscoveryInput = { taskQueuePrefix, options: scheduledDiscoveryData(o) };
  return {
    type: 'startWorkflow', workflowType: 'discoveryWorkflow' satisfies (typeof discoveryWorkflow)['name'], taskQueue: taskQueue(taskQueuePrefix, 'core'),
    workflowId: 'scheduled/discovery', args: [input], staticSummary: discoverySummary(o), staticDetails: discoveryDetails(o),
  };
}

/** The options a discovery schedule holds now; undefined when they are missing or no longer valid. */
export function discoveryOptionsOf(desc: ScheduleDescription): ScheduledDiscoveryOptions | undefined {
  if (desc.action.type !== 'startWorkflow') return undefined;
  const input = desc.action.args?.[0] as Partial<ScheduledDiscoveryInput> | undefined;
  const parsed = ScheduledDiscoveryOptions.safeParse(input?.options);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The two schedules: discovery every day and re-prioritization every 6 hours. Created once,
 * updated in place on later start-ups (never duplicated). Discovery runs with `discovery` when
 * given (GLOBALLM_DISCOVERY_SCHEDULE), otherwise with the options the schedule already holds
 * (`globallm schedule discovery`), otherwise the defaults. A new discovery schedule on GitHub
 * starts paused without a GitHub token, with a note saying why.
 */
export async function ensureSchedules(client: Client, opts: { taskQueuePrefix: string; githubToken: boolean; discovery?: ScheduledDiscoveryOptions | undefined }): Promise<string[]> {
  const coreQueue = taskQueue(opts.taskQueuePrefix, 'core');
  const current = await client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).describe().then(discoveryOptionsOf, () => undefined);
  const options = opts.discovery ?? current ?? parseScheduledDiscoveryOptions({});
  const waitsForToken = options.forge === 'github' && !opts.githubToken;
  const discovery: ScheduleOptions = {
    scheduleId: DISCOVERY_SCHEDULE_ID,
    spec: { intervals: [{ every: '24h' }], jitter: '10m' },
    action: discoveryAction(opts.taskQueuePrefix, options),
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: waitsForToken ? { paused: true, note: 'paused: set GITHUB_TOKEN, then unpause to discover on GitHub daily' } : { note: 'daily discovery' },
  };
  const reprioritize: ScheduleOptions = {
    scheduleId: REPRIORITIZE_SCHEDULE_ID,
    spec: { intervals: [{ every: '6h' }] },
    action: {
      type: 'startWorkflow', workflowType: 'reprioritizeWorkflow' satisfies (typeof reprioritizeWorkflow)['name'], taskQueue: coreQueue, workflowId: 'scheduled/reprioritize',
      args: [{ taskQueuePrefix: opts.taskQueuePrefix }],
      staticSummary: 're-rank every open issue in PostgreSQL',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: { note: 're-rank every open issue every 6 hours' },
  };
  for (const schedule of [discovery, reprioritize]) await createOrUpdate(client, schedule);
  return [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID];
}

async function createOrUpdate(client: Client, schedule: ScheduleOptions): Promise<void> {
  try {
    await client.schedule.create(schedule);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(schedule.scheduleId).update((prev) => ({ ...prev, spec: schedule.spec, action: schedule.action, ...(schedule.policies ? { policies: schedule.policies } : {}) }));
  }
}

/**
 * Changes the discovery schedule's options: `changes` laid over the options it holds, validated
 * as a whole (a bad value is a UsageError and nothing changes). Returns the options now held; with
 * no changes, nothing is written (unless what it held is no longer valid: then the defaults).
 */
export async function updateDiscoveryOptions(client: Client, changes: Record<string, unknown>): Promise<ScheduledDiscoveryOptions> {
  const desc = await describeDiscovery(client);
  if (desc.action.type !== 'startWorkflow') throw new UsageError(`schedule ${DISCOVERY_SCHEDULE_ID} does not start a workflow`);
  const held = discoveryOptionsOf(desc);
  if (held && Object.keys(changes).length === 0) return held;
  const prefix = (desc.action.args?.[0] as Partial<ScheduledDiscoveryInput> | undefined)?.taskQueuePrefix ?? taskQueuePrefixOf(desc.action.taskQueue, 'core');
  const options = parseScheduledDiscoveryOptions({ ...(held ?? {}), ...changes });
  const action = discoveryAction(prefix, options);
  await client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).update((prev) => ({ ...prev, action }));
  return options;
}

async function describeDiscovery(client: Client): Promise<ScheduleDescription> {
  try {
    return await client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`no schedule ${DISCOVERY_SCHEDULE_ID} on this cluster: run \`globallm setup\` first`);
    throw err;
  }
}
