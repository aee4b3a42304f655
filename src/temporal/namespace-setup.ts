import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import Long from 'long';
import { SEARCH_ATTRIBUTE_TYPES } from './search-attributes.js';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
/** gRPC's PERMISSION_DENIED: a cloud namespace's retention is set by its account, not by a client. */
const PERMISSION_DENIED = 7;

export interface NamespaceSetup {
  /** Search attributes registered now (empty when all were there). */
  added: string[];
  /** The retention in hours after this step, whether it was raised now, or why it could not be. */
  retention: { hours: number; raised: boolean; refused?: string };
}

/**
 * Registers the project's search attributes (idempotently: only missing ones) and raises the
 * namespace retention so finished claims stay visible. Works on the dev server and on a cluster;
 * where the server refuses a retention change (a cloud namespace), it says so and goes on.
 */
export async function prepareNamespace(connection: Connection, namespace: string, retentionHours: number): Promise<NamespaceSetup> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.entries(SEARCH_ATTRIBUTE_TYPES).filter(([name]) => !have.has(name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, type === 'Double' ? IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  }
  return { added: missing.map(([n]) => n), retention: await raiseRetention(connection, namespace, retentionHours) };
}

async function raiseRetention(connection: Connection, namespace: string, hours: number): Promise<NamespaceSetup['retention']> {
  const desc = await connection.workflowService.describeNamespace({ namespace });
  const current = Number(desc.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  if (current >= hours * 3600) return { hours: current / 3600, raised: false };
  try {
    await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: { seconds: Long.fromNumber(hours * 3600) } } });
    return { hours, raised: true };
  } catch (err) {
    if ((err as { code?: number }).code !== PERMISSION_DENIED) throw err;
    return { hours: current / 3600, raised: false, refused: (err as Error).message };
  }
}
