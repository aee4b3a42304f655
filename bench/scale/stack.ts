// One fresh stack per size, as `globallm up` runs it: embedded PostgreSQL (durable), the Temporal
// dev server on a SQLite file, the migrations, and the production worker process (`globallm worker`).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/stack/postgres.js';
import { startDevServer, type RunningDevServer } from '../../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../../src/stack/temporal-binary.js';
import { freePort } from '../../src/util/ports.js';
import { projectRoot } from '../../src/util/project-root.js';
import { migrateUp } from '../../src/db/migrate.js';
import { prepareNamespace } from '../../src/temporal/namespace-setup.js';

export const PREFIX = 'scale';

export interface ScaleStack {
  db: RunningPostgres;
  temporal: RunningDevServer;
  pool: pg.Pool;
  client: Client;
  worker: ChildProcess;
  /** The worker's environment: what a CLI process run against this stack needs too. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv, nodeArgs: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(projectRoot, 'bin', 'globallm.js'), 'worker'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (c: Buffer) => { if (c.toString().includes('polling')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`worker exited with ${String(code)}`)));
  });
}

/**
 * `extraEnv` is the worker's configuration beyond the stack's addresses (no model unless it says
 * so); `workerNodeArgs` are options for the worker's `node` (a profiler's, say).
 */
export async function startScaleStack(dir: string, localRoot: string, extraEnv: NodeJS.ProcessEnv = {}, workerNodeArgs: string[] = []): Promise<ScaleStack> {
  const [db, temporal] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, database: 'globallm_bench' })),
    freePort().then((port) => startDevServer({
      binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }),
      port, uiPort: 0, headless: true, namespace: 'default', dbFile: join(dir, 'temporal.db'),
    })),
  ]);
  await migrateUp(db.url);
  const connection = await Connection.connect({ address: temporal.address });
  await prepareNamespace(connection, 'default', 24);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'], HOME: process.env['HOME'], DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.address,
    GLOBALLM_TASK_QUEUE_PREFIX: PREFIX, GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: localRoot,
    GLOBALLM_CACHE_DIR: join(dir, 'cache'), GLOBALLM_LOG_LEVEL: 'warn', ...extraEnv,
  };
  // A worker that fails to start leaves no server behind.
  const worker = await startWorker(env, workerNodeArgs).catch(async (err: unknown) => {
    await connection.close();
    await Promise.allSettled([temporal.stop(), db.stop()]);
    throw err;
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Stopping PostgreSQL at the end ends idle connections: expected, not a crash of the bench.
  pool.on('error', () => undefined);
  return {
    db, temporal, pool, worker, env, client: new Client({ connection }),
    close: async () => {
      const exited = new Promise((r) => { if (worker.exitCode !== null) r(null); else worker.once('exit', r); });
      worker.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
      await pool.end();
      await connection.close();
      await Promise.allSettled([temporal.stop(), db.stop()]);
    },
  };
}
