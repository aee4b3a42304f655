import { Client, Connection } from '@temporalio/client';
import { ServiceUnavailable } from '../errors.js';
import type { ConnectionExtras, TemporalProfile } from './profile.js';

/** API key, TLS and metadata of the profile when connecting to a configured cluster; none for the embedded dev server. */
export function clusterExtras(config: { TEMPORAL_ADDRESS?: string | undefined; temporal: TemporalProfile }): ConnectionExtras {
  return config.TEMPORAL_ADDRESS === undefined ? {} : config.temporal.connection;
}

/** Opens a client connection, failing within `timeoutMs` with the address in the message. */
export async function connectClient(address: string, namespace: string, timeoutMs = 10_000, extras: ConnectionExtras = {}): Promise<{ connection: Connection; client: Client }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs, ...extras });
  } catch (err) {
    throw new ServiceUnavailable(`Temporal at ${address} is not reachable: ${(err as Error).message}; start it with \`globallm up\` or set TEMPORAL_ADDRESS`, { cause: err });
  }
  return { connection, client: new Client({ connection, namespace }) };
}
