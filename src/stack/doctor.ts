import { randomUUID } from 'node:crypto';
import type { Config } from '../config/load.js';
import { clusterExtras, connectClient } from '../temporal/connect.js';
import { taskQueues } from '../temporal/task-queues.js';
import type { doctorWorkflow } from '../workflows/doctor.js';

export interface DoctorReport {
  ok: boolean;
  workflowId: string;
  hops: Array<{ name: string; ok: boolean; latencyMs: number; detail: string }>;
}

const ms = (n: number): number => Math.round(n * 10) / 10;

/** client → server → worker → activity → database, each hop timed. */
export async function runDoctor(address: string, config: Config, timeoutMs: number): Promise<DoctorReport> {
  const hops: DoctorReport['hops'] = [];
  const workflowId = `doctor/${randomUUID()}`;
  const t0 = performance.now();
  const { client, connection } = await connectClient(address, config.TEMPORAL_NAMESPACE, Math.min(timeoutMs, 10_000), clusterExtras(config));
  hops.push({ name: 'client→server', ok: true, latencyMs: ms(performance.now() - t0), detail: `${address} (Temporal profile ${config.temporal.name})` });
  try {
    const t1 = performance.now();
    const handle = await client.workflow.start<typeof doctorWorkflow>('doctorWorkflow', {
      workflowId,
      taskQueue: taskQueues(config.GLOBALLM_TASK_QUEUE_PREFIX).core,
      args: [workflowId],
      workflowExecutionTimeout: timeoutMs,
    });
    hops.push({ name: 'start workflow', ok: true, latencyMs: ms(performance.now() - t1), detail: workflowId });
    const t2 = performance.now();
    let result: Awaited<ReturnType<typeof doctorWorkflow>>;
    try {
      result = await handle.result();
    } catch (err) {
      hops.push({ name: 'worker→activity→database', ok: false, latencyMs: ms(performance.now() - t2), detail: `${(err as Error).message} (is a worker running? see \`globallm status\`)` });
      return { ok: false, workflowId, hops };
    }
    hops.push({ name: 'server→worker (activity scheduled→started)', ok: true, latencyMs: ms(result.hop.scheduleToStartMs), detail: result.hop.worker });
    hops.push({ name: 'activity→database write', ok: true, latencyMs: ms(result.hop.dbWriteMs), detail: `row ${result.hop.rowId}` });
    hops.push({ name: 'activity→database read', ok: true, latencyMs: ms(result.hop.dbReadMs), detail: 'row read back intact' });
    hops.push({ name: 'workflow round trip', ok: true, latencyMs: ms(performance.now() - t2), detail: `task queue ${result.workflowTaskQueue}` });
    return { ok: true, workflowId, hops };
  } finally {
    await connection.close();
  }
}
