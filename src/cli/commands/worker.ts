import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { startWorkers } from '../../workers/start.js';

export async function workerAction(): Promise<void> {
  const { config, endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl);
  const workers = await startWorkers({ address: endpoints.temporalAddress, namespace: config.TEMPORAL_NAMESPACE, taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX, pool, config });
  // Stop cleanly on a signal from the moment the workers exist, before saying they poll.
  const stop = (): void => { workers.shutdown().then(() => pool.end(), () => pool.end()).catch(() => {}); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`worker ${workers.identity} polling ${workers.queues.join(', ')}\n`);
  await workers.done;
}
