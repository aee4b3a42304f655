import { openPool } from '../db/pool.js';
import { appliedVersion } from '../db/migrate.js';
import type { ConnectionExtras } from '../temporal/profile.js';
import { redactUrl } from '../config/load.js';
import { workerEndpoints } from '../db/worker-endpoints.js';
import type { Endpoints } from './endpoints.js';

export interface Check {
  name: string;
  ok: boolean;
  latencyMs: number;
  detail: string;
}

export interface StackStatus {
  healthy: boolean;
  checks: Check[];
  migration: string | undefined;
  pollers: Record<string, string[]>;
  /** Prometheus endpoints of the workers polling now. */
  metrics: Array<{ identity: string; url: string }>;
}

async function timed<T>(name: string, fn: () => Promise<{ ok: boolean; detail: string; value?: T }>): Promise<Check & { value?: T }> {
  const t0 = performance.now();
  try {
    const r = await fn();
    return { name, latencyMs: round(performance.now() - t0), ...r };
  } catch (err) {
    return { name, ok: false, latencyMs: round(performance.now() - t0), detail: (err as Error).message };
  }
}
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Every part of the stack, checked for real: PostgreSQL, migrations, Temporal, the Web UI, pollers. */
export async function checkStack(endpoints: Endpoints, opts: { namespace: string; queues: string[]; timeoutMs?: number; connection?: ConnectionExtras; profile?: string }): Promise<StackStatus> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let migration: string | undefined;
  const pollers: Record<string, string[]> = {};
  const pgCheck = timed('postgres', async () => {
    const pool = await openPool(endpoints.databaseUrl, { max: 1, connectTimeoutMs: timeoutMs });
    try {
      await pool.query('SELECT 1');
      migration = await appliedVersion(pool);
      return { ok: true, detail: redactUrl(endpoints.databaseUrl) };
    } finally {
      await pool.end();
    }
  });
  const temporalChecks = (async (): Promise<Check[]> => {
    const server = await timed('temporal', async () => {
      // The Temporal client loads here, while the PostgreSQL check already waits on the network.
      const [{ connectClient }, { default: proto }] = await Promise.all([import('../temporal/connect.js'), import('@temporalio/proto')]);
      const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
      const { connection } = await connectClient(endpoints.temporalAddress, opts.namespace, timeoutMs, opts.connection);
      try {
        const info = await connection.workflowService.getSystemInfo({});
        await Promise.all(opts.queues.map(async (q) => {
          const described = await Promise.all([TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY].map((taskQueueType) =>
            connection.workflowService.describeTaskQueue({ namespace: opts.namespace, taskQueue: { name: q }, taskQueueType })));
          pollers[q] = [...new Set(described.flatMap((d) => (d.pollers ?? []).flatMap((p) => (p.identity ? [p.identity] : []))))];
        }));
        return { ok: true, detail: `${endpoints.temporalAddress} (server ${info.serverVersion || 'unknown'}${opts.profile ? `, profile ${opts.profile}` : ''})` };
      } finally {
        await connection.close();
      }
    });
    const pollerChecks: Check[] = opts.queues.map((q) => ({
      name: `pollers:${q}`,
      ok: (pollers[q]?.length ?? 0) > 0,
      latencyMs: 0,
      detail: pollers[q]?.length ? pollers[q].join(', ') : 'no worker is polling this task queue',
    }));
    return [server, ...(server.ok ? pollerChecks : [])];
  })();
  const uiCheck = endpoints.uiUrl
    ? timed('web-ui', async () => {
        const res = await fetch(endpoints.uiUrl as string, { signal: AbortSignal.timeout(timeoutMs) });
        return { ok: res.ok, detail: `${endpoints.uiUrl} answered ${res.status}` };
      })
    : Promise.resolve<Check>({ name: 'web-ui', ok: true, latencyMs: 0, detail: 'not managed here (set TEMPORAL_UI_URL to check it)' });
  const [pgResult, temporalResults, uiResult] = await Promise.all([pgCheck, temporalChecks, uiCheck]);
  const migrationCheck: Check = { name: 'migrations', ok: pgResult.ok && migration !== undefined, latencyMs: 0, detail: migration ?? 'no migration applied' };
  const checks = [pgResult, migrationCheck, ...temporalResults, uiResult].map(({ name, ok, latencyMs, detail }) => ({ name, ok, latencyMs, detail }));
  const metrics = pgResult.ok && migration !== undefined ? await metricsEndpoints(endpoints.databaseUrl, [...new Set(Object.values(pollers).flat())], timeoutMs) : [];
  return { healthy: checks.every((c) => c.ok), checks, migration, pollers, metrics };
}

async function metricsEndpoints(databaseUrl: string, identities: string[], timeoutMs: number): Promise<StackStatus['metrics']> {
  if (identities.length === 0) return [];
  const pool = await openPool(databaseUrl, { max: 1, connectTimeoutMs: timeoutMs });
  try {
    return await workerEndpoints(pool, identities);
  } catch {
    return []; // an older schema without the table: nothing to list
  } finally {
    await pool.end();
  }
}
