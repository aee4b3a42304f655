import { join } from 'node:path';
import type { Pool } from 'pg';
import type { Config } from '../config/load.js';
import { redactUrl } from '../util/redact-url.js';
import { acquireStateLock } from './lock.js';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.js';
import { startDevServer, type RunningDevServer } from './temporal-server.js';
import { installTemporalBinary, resolveTemporalBinary } from './temporal-binary.js';
import { readStackFile, removeStackFile, writeStackFile } from './endpoints.js';
import { commandLine, terminate } from './processes.js';
import { pidAlive } from '../util/pid-alive.js';
import { checkStack, type StackStatus } from './health.js';
import { openPool } from '../db/pool.js';
import { clusterExtras } from '../temporal/connect.js';
import { setupCluster } from './cluster-setup.js';
import type { ConnectionExtras } from '../temporal/profile.js';
import { taskQueues } from '../temporal/task-queues.js';
import { startWorkers, type RunningWorkers } from '../workers/start.js';
import { logger } from '../log.js';
import { startReportServer } from '../report/server.js';
import { loadPrices } from '../pricing/prices.js';

const log = logger.child({ component: 'up' });

export interface UpOptions {
  /** No Web UI (tests). */
  headless?: boolean;
  /** Trade PostgreSQL durability for speed (tests). */
  ephemeral?: boolean;
  /** Start the workers (default true). */
  workers?: boolean;
  /** Extra start-up work once everything answers (schedules, example campaign). */
  afterReady?: (stack: RunningStack) => Promise<void>;
}

export interface RunningStack {
  databaseUrl: string;
  temporalAddress: string;
  uiUrl: string | undefined;
  /** The report, served live (`globallm report` writes the same page to a file). */
  reportUrl: string;
  namespace: string;
  pool: Pool;
  workers: RunningWorkers | undefined;
  status: StackStatus;
  /** One line containing `ready`, with the Web UI and the database URL (password redacted). */
  readyLine: string;
  stop(): Promise<void>;
}

/** `globallm up`: PostgreSQL, Temporal, migrations and workers, each started unless configured to an existing one. */
export async function up(config: Config, opts: UpOptions = {}): Promise<RunningStack> {
  const lock = acquireStateLock(config.stateDir);
  const cleanups: Array<() => Promise<void>> = [() => Promise.resolve(lock.release())];
  const stopAll = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) {
      try { await fn(); } catch (err) { log.warn({ err: (err as Error).message }, 'stop step failed'); }
    }
  };
  const t0 = performance.now();
  const phase = (name: string): void => log.debug({ phase: name, ms: Math.round(performance.now() - t0) }, 'start-up phase done');
  try {
    await reapOrphans(config.stateDir);
    const [pgResult, temporalResult] = await Promise.allSettled([
      config.DATABASE_URL ? Promise.resolve(undefined) : startEmbeddedPostgres({ dataDir: join(config.stateDir, 'postgres'), port: config.GLOBALLM_PG_PORT, database: 'globallm', ephemeral: opts.ephemeral ?? false }),
      config.TEMPORAL_ADDRESS ? Promise.resolve(undefined) : startTemporal(config, opts.headless ?? false),
    ]);
    const pg: RunningPostgres | undefined = pgResult.status === 'fulfilled' ? pgResult.value : undefined;
    const temporalServer: RunningDevServer | undefined = temporalResult.status === 'fulfilled' ? temporalResult.value : undefined;
    if (pg) cleanups.push(() => pg.stop());
    if (temporalServer) cleanups.push(() => temporalServer.stop());
    phase('services');
    if (pgResult.status === 'rejected') throw pgResult.reason;
    if (temporalResult.status === 'rejected') throw temporalResult.reason;

    const databaseUrl = config.DATABASE_URL ?? (pg as RunningPostgres).url;
    const temporalAddress = config.TEMPORAL_ADDRESS ?? (temporalServer as RunningDevServer).address;
    const uiUrl = config.TEMPORAL_UI_URL ?? temporalServer?.uiUrl;
    const pool = await openPool(databaseUrl);
    cleanups.push(() => pool.end());

    await setupCluster(config, { databaseUrl, temporalAddress });
    phase('migrations and namespace');

    const queues = taskQueues(config.GLOBALLM_TASK_QUEUE_PREFIX);
    let workers: RunningWorkers | undefined;
    if (opts.workers !== false) {
      workers = await startWorkers({ address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE, taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX, pool, config });
      const w = workers;
      cleanups.push(() => w.shutdown());
    }
    phase('workers');
    writeStackFile(config.stateDir, {
      databaseUrl, temporalAddress, pid: process.pid,
      ...(uiUrl ? { uiUrl } : {}),
      children: { ...(pg?.pid ? { postgres: pg.pid } : {}), ...(temporalServer?.pid ? { temporal: temporalServer.pid } : {}) },
    });
    cleanups.splice(1, 0, () => Promise.resolve(removeStackFile(config.stateDir)));

    const report = await startReportServer({
      pool, uiUrl, priceDate: loadPrices(config.GLOBALLM_PRICES_FILE).date,
      temporal: { address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE, connection: clusterExtras(config) },
    }, config.GLOBALLM_REPORT_PORT);
    cleanups.push(() => report.close());
    const status = await waitHealthy({ databaseUrl, temporalAddress, uiUrl }, { namespace: config.TEMPORAL_NAMESPACE, connection: clusterExtras(config), profile: config.temporal.name }, opts.workers === false ? [] : Object.values(queues));
    phase('healthy');
    const stack: RunningStack = {
      databaseUrl, temporalAddress, uiUrl, reportUrl: report.url, namespace: config.TEMPORAL_NAMESPACE, pool, workers, status,
      readyLine: `globallm ready: web-ui=${uiUrl ?? 'n/a'} report=${report.url} temporal=${temporalAddress} database=${redactUrl(databaseUrl)}`,
      stop: stopAll,
    };
    if (opts.afterReady) await opts.afterReady(stack);
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startTemporal(config: Config, headless: boolean): Promise<RunningDevServer> {
  let binary: string;
  try {
    binary = resolveTemporalBinary({ TEMPORAL_CLI_PATH: config.TEMPORAL_CLI_PATH, PATH: process.env['PATH'] });
  } catch (err) {
    if (config.TEMPORAL_CLI_PATH) throw err;
    log.warn('the Temporal CLI was not found; running the project install step');
    binary = installTemporalBinary((line) => log.info(line));
  }
  return startDevServer({
    binary,
    port: config.GLOBALLM_TEMPORAL_PORT,
    uiPort: config.GLOBALLM_TEMPORAL_UI_PORT,
    dbFile: join(config.stateDir, 'temporal', 'temporal.db'),
    headless,
    namespace: config.TEMPORAL_NAMESPACE,
  });
}

/** Children of an earlier `up` that was killed with SIGKILL still hold ports and files: stop them. */
async function reapOrphans(stateDir: string): Promise<void> {
  const recorded = readStackFile(stateDir);
  if (!recorded) return;
  const temporalPid = recorded.children['temporal'];
  if (temporalPid && pidAlive(temporalPid) && commandLine(temporalPid).includes('start-dev')) {
    log.warn({ pid: temporalPid }, 'stopping a Temporal dev server left running by an earlier globallm up');
    await terminate(temporalPid);
  }
  removeStackFile(stateDir);
}

async function waitHealthy(endpoints: { databaseUrl: string; temporalAddress: string; uiUrl: string | undefined }, cluster: { namespace: string; connection: ConnectionExtras; profile: string }, queues: string[]): Promise<StackStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await checkStack(endpoints, { ...cluster, queues, timeoutMs: 5_000 });
    if (status.healthy) return status;
    if (Date.now() > deadline) {
      const failing = status.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ');
      throw new Error(`the stack did not become healthy: ${failing}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
