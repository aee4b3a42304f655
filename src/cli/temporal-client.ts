import type { Client } from '@temporalio/client';
import { cliContext } from './context.js';
import { clusterExtras, connectClient } from '../temporal/connect.js';
import type { Config } from '../config/load.js';

/** Runs `fn` with a Temporal client for the configured cluster, closing the connection after. */
export async function withTemporal<T>(fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const { config, endpoints } = cliContext();
  const { client, connection } = await connectClient(endpoints.temporalAddress, config.TEMPORAL_NAMESPACE, undefined, clusterExtras(config));
  try {
    return await fn(client, config);
  } finally {
    await connection.close();
  }
}
