import { Client } from '@temporalio/client';
import { openConnection, type Connection } from './connection.js';
import type { ConnectionExtras } from './profile.js';

export { clusterExtras } from './profile.js';

/** Opens a client connection, failing within `timeoutMs` with the address in the message. */
export async function connectClient(address: string, namespace: string, timeoutMs = 10_000, extras: ConnectionExtras = {}): Promise<{ connection: Connection; client: Client }> {
  const connection = await openConnection(address, timeoutMs, extras);
  return { connection, client: new Client({ connection, namespace }) };
}
