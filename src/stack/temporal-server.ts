import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree } from '../util/ports.js';
import { terminate } from './processes.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes.js';
import { ServiceUnavailable } from '../errors.js';
import { logger } from '../log.js';

const log = logger.child({ component: 'temporal-server' });

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  dbFile?: string;
  headless?: boolean;
  namespace: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | undefined;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** What a child service may see of our environment: where programs and temporary files are, and the locale — no credentials. */
export function childServiceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];
  return Object.fromEntries(keep.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}

/** Runs `temporal server start-dev` (with a minimal environment) and waits until its frontend answers. */
export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  await assertPortFree(opts.port, 'Temporal frontend', 'GLOBALLM_TEMPORAL_PORT');
  if (!opts.headless) await assertPortFree(opts.uiPort, 'Temporal Web UI', 'GLOBALLM_TEMPORAL_UI_PORT');
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal'] : []),
    ...Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childServiceEnv(process.env) });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
    log.debug({ out: chunk.toString('utf8').trim() }, 'temporal output');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${opts.port}`;
  const ready = await Promise.race([waitForFrontend(address, 60_000), exited.then(() => 'exited' as const)]);
  if (ready === 'exited') {
    throw new ServiceUnavailable(`the Temporal dev server exited during start-up:\n${output.trim()}`);
  }
  return {
    address,
    uiUrl: opts.headless ? undefined : `http://127.0.0.1:${opts.uiPort}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  await terminate(child.pid, 15_000, 'SIGTERM');
}

/** Resolves once a Temporal frontend at `address` answers GetSystemInfo; throws after `timeoutMs`. */
export async function waitForFrontend(address: string, timeoutMs: number): Promise<'ready'> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return 'ready';
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new ServiceUnavailable(`the Temporal frontend at ${address} did not answer within ${timeoutMs / 1000}s: ${String(lastError)}`);
}
