import { openPool, type Pool } from '../db/pool.js';
import { appliedVersion } from '../db/migrate.js';
import { ping } from '../db/server.js';
import type { ConnectionExtras } from '../temporal/profile.js';
import { redactUrl } from '../util/redact-url.js';
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

interface CheckOptions { namespace: string; queues: string[]; timeoutMs?: number; connection?: ConnectionExtras; profile?: string }

/** PostgreSQL and the applied migration; the pool stays open for the caller's later queries (null when it could not open). */
async function checkPostgres(databaseUrl: string, timeoutMs: number): Promise<{ check: Check; pool: Pool | null; migration: string | undefined }> {
  let pool: Pool | null = null;
  let migration: string | undefined;
  const check = await timed('postgres', async () => {
    pool = await openPool(databaseUrl, { max: 1, connectTimeoutMs: timeoutMs });
    await ping(pool);
    migration = await appliedVersion(pool);
    return { ok: true, detail: redactUrl(databaseUrl) };
  });
  return { check, pool, migration };
}

/** The Temporal frontend, and the identities polling each task queue. */
async function checkTemporal(address: string, opts: CheckOptions, timeoutMs: number): Promise<{ checks: Check[]; pollers: Record<string, string[]> }> {
  const pollers: Record<string, string[]> = {};
  const server = await timed('temporal', async () => {
    // The client loads here, while the PostgreSQL check already waits on the network.
    const { openHealthClient } = await import('../temporal/health-client.js');
    const client = await openHealthClient(address, timeoutMs, opts.connection);
    try {
      await Promise.all(opts.queues.map(async (q) => {
        const described = await Promise.all((['workflow', 'activity'] as const).map((kind) => client.pollers(opts.namespace, q, kind)));
        pollers[q] = [...new Set(described.flat())];
      }));
      return { ok: true, detail: `${address} (server ${client.serverVersion || 'unknown'}${opts.profile ? `, profile ${opts.profile}` : ''})` };
    } finally {
      client.close();
    }
  });
  const pollerChecks: Check[] = opts.queues.map((q) => ({
    name: `pollers:${q}`,
    ok: (pollers[q]?.length ?? 0) > 0,
    latencyMs: 0,
    detail: pollers[q]?.length ? pollers[q].join(', ') : 'no worker is polling this task queue',
  }));
  return { checks: [server, ...(server.ok ? pollerChecks : [])], pollers };
}

function checkUi(uiUrl: string | undefined, timeoutMs: number): Promise<Check> {
  if (!uiUrl) return Promise.resolve({ name: 'web-ui', ok: true, latencyMs: 0, detail: 'not managed here (set TEMPORAL_UI_URL to check it)' });
  return timed('web-ui', async () => {
    const res = await fetch(uiUrl, { signal: AbortSignal.timeout(timeoutMs) });
    return { ok: res.ok, detail: `${uiUrl} answered ${res.status}` };
  });
}

/** Every part of the stack, checked for real and side by side: PostgreSQL, migrations, Temporal, the Web UI, pollers. */
export async function checkStack(endpoints: Endpoints, opts: CheckOptions): Promise<StackStatus> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const [pg, temporal, ui] = await Promise.all([
    checkPostgres(endpoints.databaseUrl, timeoutMs), checkTemporal(endpoints.temporalAddress, opts, timeoutMs), checkUi(endpoints.uiUrl, timeoutMs),
  ]);
  try {
    const { migration } = pg;
    const migrationCheck: Check = { name: 'migrations', ok: pg.check.ok && migration !== undefined, latencyMs: 0, detail: migration ?? 'no migration applied' };
    const checks = [pg.check, migrationCheck, ...temporal.checks, ui].map(({ name, ok, latencyMs, detail }) => ({ name, ok, latencyMs, detail }));
    const metrics = pg.pool && pg.check.ok && migration !== undefined ? await metricsEndpoints(pg.pool, [...new Set(Object.values(temporal.pollers).flat())]) : [];
    return { healthy: checks.every((c) => c.ok), checks, migration, pollers: temporal.pollers, metrics };
  } finally {
    await pg.pool?.end();
  }
}

async function metricsEndpoints(pool: Pool, identities: string[]): Promise<StackStatus['metrics']> {
  if (identities.length === 0) return [];
  try {
    return await workerEndpoints(pool, identities);
  } catch {
    return []; // an older schema without the table: nothing to list
  }
}
