import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config/load.js';
import { startWorkers, type RunningWorkers } from '../../src/workers/start.js';
import { testTemporalAddress } from './temporal.js';

/**
 * Campaign tests use the same workflow IDs (`repo/local/slugkit`, …) on the suite's one Temporal
 * server, and test files run one after another: workflows an earlier file left running
 * (follow-ups, repository entities polling that file's task queues) would take this file's signals.
 */
export async function terminateLeftovers(client: Client): Promise<void> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) {
    if (/^(repo|issue|followup)\/local\/|^campaign\//.test(wf.workflowId)) ids.add(wf.workflowId);
  }
  // Visibility lags behind: the example repositories' own IDs are ended by name as well.
  for (const repo of ['slugkit', 'bytefmt']) {
    ids.add(`repo/local/${repo}`);
    for (let n = 1; n <= 6; n++) for (const kind of ['issue', 'followup']) ids.add(`${kind}/local/${repo}/${n}`);
  }
  await Promise.all([...ids].map((id) => client.workflow.getHandle(id).terminate('an earlier test file is over').catch(() => undefined)));
}

/** The project's real workers on task queues unique to one test file (after clearing what earlier files left running). */
export async function startTestWorkers(pool: Pool, env: NodeJS.ProcessEnv = {}): Promise<RunningWorkers & { prefix: string }> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  try {
    await terminateLeftovers(new Client({ connection }));
  } finally {
    await connection.close();
  }
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ GLOBALLM_TASK_QUEUE_PREFIX: prefix, ...env });
  const workers = await startWorkers({ address: testTemporalAddress(), namespace: 'default', taskQueuePrefix: prefix, pool, config });
  return { ...workers, prefix };
}
