import type { Config } from '../config/load.js';
import { migrateUp } from '../db/migrate.js';
import { clusterExtras, connectClient } from '../temporal/connect.js';
import { prepareNamespace, type NamespaceSetup } from '../temporal/namespace-setup.js';
import { ensureSchedules } from '../campaign/schedules.js';

export interface ClusterSetup extends NamespaceSetup {
  /** Migrations applied now (empty when the database was up to date). */
  migrations: string[];
  schedules: string[];
}

/**
 * Everything a cluster needs before workers and campaigns can run on it, each part idempotent:
 * the database migrations, the namespace's search attributes and retention, and the schedules.
 * `up` runs it on its own services; `globallm setup` on existing ones.
 */
export async function setupCluster(config: Config, where: { databaseUrl: string; temporalAddress: string }): Promise<ClusterSetup> {
  const { connection, client } = await connectClient(where.temporalAddress, config.TEMPORAL_NAMESPACE, undefined, clusterExtras(config));
  try {
    const [migrations, namespace] = await Promise.all([
      migrateUp(where.databaseUrl),
      prepareNamespace(connection, config.TEMPORAL_NAMESPACE, config.GLOBALLM_RETENTION_HOURS),
    ]);
    const schedules = await ensureSchedules(client, {
      taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX, githubToken: config.githubTokens.identity !== undefined, discovery: config.GLOBALLM_DISCOVERY_SCHEDULE,
    });
    return { migrations, ...namespace, schedules };
  } finally {
    await connection.close();
  }
}
