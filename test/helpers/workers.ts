import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { startWorkers, type RunningWorkers } from '../../src/workers/start.js';
import { testTemporalAddress } from './temporal.js';

/** The project's real workers on task queues unique to one test file. */
export async function startTestWorkers(pool: Pool, env: NodeJS.ProcessEnv = {}): Promise<RunningWorkers & { prefix: string }> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ GLOBALLM_TASK_QUEUE_PREFIX: prefix, ...env });
  const workers = await startWorkers({ address: testTemporalAddress(), namespace: 'default', taskQueuePrefix: prefix, pool, config });
  return { ...workers, prefix };
}
