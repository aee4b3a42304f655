import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import Long from 'long';
import { SEARCH_ATTRIBUTE_TYPES } from './search-attributes.js';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/**
 * Registers the project's search attributes (idempotently: only missing ones) and raises the
 * namespace retention so finished claims stay visible. Works on the dev server and on a cluster.
 */
export async function prepareNamespace(connection: Connection, namespace: string, retentionHours: number): Promise<{ added: string[] }> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.entries(SEARCH_ATTRIBUTE_TYPES).filter(([name]) => !have.has(name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, type === 'Double' ? IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  }
  const desc = await connection.workflowService.describeNamespace({ namespace });
  const current = Number(desc.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  const wanted = retentionHours * 3600;
  if (current < wanted) {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: { seconds: Long.fromNumber(wanted) } },
    });
  }
  return { added: missing.map(([n]) => n) };
}
