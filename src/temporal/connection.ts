import { createRequire } from 'node:module';
import type * as ConnectionModule from '@temporalio/client/lib/connection.js';
import type * as Proto from '@temporalio/proto';
import { ServiceUnavailable } from '../errors.js';
import type { ConnectionExtras } from './profile.js';

export type Connection = ConnectionModule.Connection;

/*
 * Only the connection, not the whole client, and loaded with require: importing these CommonJS
 * packages from ES modules makes Node scan every re-exported module for its names first, which
 * costs a command like `status` more than its network round trips.
 */
const load = createRequire(import.meta.url);

/** Opens a connection to the Temporal frontend, failing within `timeoutMs` with the address in the message. */
export async function openConnection(address: string, timeoutMs = 10_000, extras: ConnectionExtras = {}): Promise<Connection> {
  const { Connection } = load('@temporalio/client/lib/connection.js') as typeof ConnectionModule;
  try {
    return await Connection.connect({ address, connectTimeout: timeoutMs, ...extras });
  } catch (err) {
    throw temporalUnreachable(address, err);
  }
}

/** The error for a Temporal frontend that does not answer, naming its address and what to do. */
export function temporalUnreachable(address: string, err: unknown): ServiceUnavailable {
  return new ServiceUnavailable(`Temporal at ${address} is not reachable: ${(err as Error).message}; start it with \`globallm up\` or set TEMPORAL_ADDRESS`, { cause: err });
}

/** The task-queue kinds of the Temporal API (the generated enum), for queries on a bare connection. */
export function taskQueueTypes(): typeof Proto.temporal.api.enums.v1.TaskQueueType {
  return (load('@temporalio/proto') as typeof Proto).temporal.api.enums.v1.TaskQueueType;
}
