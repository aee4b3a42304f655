// Per-stage activity options: timeouts, heartbeats, retries and task queues chosen per stage.
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { ForgeKind } from '../forge/types.js';
import { taskQueue, type TaskQueueKind } from '../temporal/task-queues.js';

/** Errors that another attempt cannot fix (named error classes from src/errors.ts). */
/**
 * Every stage heartbeats (src/activities/heartbeat.ts, every 5 s), so a worker that dies
 * mid-stage is noticed within this and the stage runs again elsewhere.
 */
const HEARTBEAT = '20s';

/**
 * Worker deaths (or PostgreSQL restarts) in a row every stage outlives: an attempt lost that way
 * fails with a heartbeat timeout or a refused connection, and still counts against the stage's
 * attempts, so no stage gives up after fewer. Errors another attempt cannot fix are never retried.
 */
export const WORKER_DEATHS = 4;

export const NON_RETRYABLE = ['UsageError', 'NotFound', 'InvalidModelOutput', 'BudgetExhausted', 'SandboxViolation', 'ConsentDenied'];

/**
 * Activity options per stage. Forge reads and writes go on the rate-limited `github` queue only
 * for GitHub; the local forge's run on `core`, beside the database work they are.
 */
const retry = (maximumAttempts: number, maximumInterval: string): RetryPolicy => ({
  initialInterval: '1s', backoffCoefficient: 2, maximumInterval, maximumAttempts, nonRetryableErrorTypes: NON_RETRYABLE,
});

/**
 * The issue workflow's own bookkeeping (one or two quick queries on PostgreSQL) as local
 * activities: run by the worker that runs the workflow, with no task on a queue and a single
 * marker in the history instead of a scheduled, started and completed activity.
 */
export const localRecordOptions = { startToCloseTimeout: '30s', retry: retry(20, '30s') } satisfies LocalActivityOptions;

export function stageOptions(prefix: string, forge: ForgeKind = 'github') {
  const queue = (kind: TaskQueueKind): string => taskQueue(prefix, kind === 'github' && forge !== 'github' ? 'core' : kind);
  return {
    analyze: { taskQueue: queue('llm'), startToCloseTimeout: '5m', heartbeatTimeout: HEARTBEAT, retry: retry(5, '1m') },
    consent: { taskQueue: queue('github'), startToCloseTimeout: '2m', heartbeatTimeout: HEARTBEAT, retry: retry(10, '10m') },
    generate: { taskQueue: queue('llm'), startToCloseTimeout: '30m', heartbeatTimeout: HEARTBEAT, retry: retry(WORKER_DEATHS + 1, '5m') },
    validate: { taskQueue: queue('sandbox'), startToCloseTimeout: '60m', heartbeatTimeout: HEARTBEAT, retry: retry(WORKER_DEATHS + 1, '1m') },
    openPr: { taskQueue: queue('github'), startToCloseTimeout: '10m', heartbeatTimeout: HEARTBEAT, retry: retry(10, '15m') },
    followUp: { taskQueue: queue('github'), startToCloseTimeout: '2m', retry: retry(5, '10m') },
    record: { taskQueue: queue('core'), startToCloseTimeout: '30s', heartbeatTimeout: HEARTBEAT, retry: retry(20, '30s') },
    campaign: { taskQueue: queue('core'), startToCloseTimeout: '2h', heartbeatTimeout: '30s', retry: retry(5, '5m') },
    campaignGithub: { taskQueue: queue('github'), startToCloseTimeout: '2h', heartbeatTimeout: '30s', retry: retry(10, '15m') },
  } satisfies Record<string, ActivityOptions>;
}
