import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { openConnection } from '../../temporal/connection.js';
import { clusterExtras } from '../../temporal/profile.js';
import { startWorkers } from '../../workers/start.js';
import { isPostgresRefusal, waitFor } from '../../workers/wait-for.js';

export async function workerAction(): Promise<void> {
  const { config, endpoints } = cliContext();
  // A deployment's processes start in any order: the worker waits for PostgreSQL and Temporal, and
  // a signal while it waits stops it cleanly.
  const stopping = new AbortController();
  const stopWaiting = (): void => stopping.abort();
  process.once('SIGINT', stopWaiting);
  process.once('SIGTERM', stopWaiting);
  const pool = await waitFor('PostgreSQL', () => openPool(endpoints.databaseUrl), stopping.signal, isPostgresRefusal);
  const temporal = pool && await waitFor('Temporal', async () => { await (await openConnection(endpoints.temporalAddress, 10_000, clusterExtras(config))).close(); return true; }, stopping.signal);
  process.off('SIGINT', stopWaiting);
  process.off('SIGTERM', stopWaiting);
  if (!pool || !temporal) {
    await pool?.end();
    return;
  }
  const workers = await startWorkers({ address: endpoints.temporalAddress, namespace: config.TEMPORAL_NAMESPACE, taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX, pool, config });
  // Stop cleanly on a signal from the moment the workers exist, before saying they poll.
  const stop = (): void => { workers.shutdown().then(() => pool.end(), () => pool.end()).catch(() => {}); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`worker ${workers.identity} polling ${workers.queues.join(', ')}\n`);
  await workers.done;
}
