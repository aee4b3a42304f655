import { Client, Connection } from '@temporalio/client';
import { ServiceUnavailable } from '../errors.js';
import type { ConnectionExtras } from './profile.js';

export { clusterExtras } from './profile.js';

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
