// The chaos bench's `--temporal sql`: Temporal's own server (built by `npm run setup:temporal-sql`)
// with its history and visibility on the bench's PostgreSQL, as a self-hosted cluster runs it.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Long from 'long';
import { Client, Connection } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { projectRoot } from '../../src/util/project-root.js';
import { isPortFree } from '../../src/util/ports.js';
import { terminate } from '../../src/stack/processes.js';
import { childServiceEnv, waitForFrontend, type RunningDevServer } from '../../src/stack/temporal-server.js';
import { prepareNamespace } from '../../src/temporal/namespace-setup.js';
import { SA } from '../../src/temporal/search-attributes.js';
import { ServiceUnavailable } from '../../src/errors.js';

export const SQL_TOOLS_DIR = join(projectRoot, '.tools', 'temporal-sql');
const CONFIG_FILE = join(projectRoot, 'tools', 'temporal-sql', 'config.yaml');
const DATABASES = [['temporal', 'postgresql/v12/temporal'], ['temporal_visibility', 'postgresql/v12/visibility']] as const;
const PORT_NAMES = ['FRONTEND_GRPC_PORT', 'FRONTEND_HTTP_PORT', 'FRONTEND_MEMBERSHIP_PORT', 'HISTORY_GRPC_PORT', 'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT', 'MATCHING_MEMBERSHIP_PORT', 'WORKER_GRPC_PORT', 'WORKER_MEMBERSHIP_PORT'] as const;
const GRPC_ALREADY_EXISTS = 6;
const run = promisify(execFile);

/** Where PostgreSQL is and who to be there, as the server's config and the schema tool take it. */
function pgEnv(databaseUrl: string): Record<string, string> {
  const u = new URL(databaseUrl);
  return { POSTGRES_SEEDS: u.hostname, DB_PORT: u.port || '5432', POSTGRES_USER: decodeURIComponent(u.username), POSTGRES_PWD: decodeURIComponent(u.password) };
}

function binary(toolsDir: string, name: 'temporal-server' | 'temporal-sql-tool'): string {
  const path = join(toolsDir, name);
  if (!existsSync(path)) throw new ServiceUnavailable(`${path} is missing: build it with npm run setup:temporal-sql`);
  return path;
}

/** Creates both databases and brings their schemas to the newest version, with Temporal's own schema tool and embedded schemas. */
async function setUpSchemas(toolsDir: string, databaseUrl: string): Promise<void> {
  const tool = binary(toolsDir, 'temporal-sql-tool');
  const pg = pgEnv(databaseUrl);
  for (const [database, schema] of DATABASES) {
    const env = { ...childServiceEnv(process.env), SQL_PLUGIN: 'postgres12', SQL_HOST: pg.POSTGRES_SEEDS, SQL_PORT: pg.DB_PORT, SQL_USER: pg.POSTGRES_USER, SQL_PASSWORD: pg.POSTGRES_PWD, SQL_DATABASE: database };
    for (const args of [['create-database', '--defaultdb', 'postgres'], ['setup-schema', '--version', '0.0'], ['update-schema', '--schema-name', schema]]) {
      await run(tool, args, { env }).catch((err: Error & { stderr?: string; stdout?: string }) => {
        throw new ServiceUnavailable(`temporal-sql-tool ${args[0]} (${database}) failed: ${(err.stderr || err.stdout || err.message).trim().slice(-2000)}`);
      });
    }
  }
}

/**
 * Nine free ports, kept for the server's life so that a restart comes back where it was. Below the
 * kernel's ephemeral range: Temporal's SQL schema keeps membership ports in a smallint (at most 32767).
 */
async function choosePorts(): Promise<Record<string, string>> {
  const ports: number[] = [];
  for (let port = 20_000 + Math.floor(Math.random() * 10_000); ports.length < PORT_NAMES.length && port <= 32_767; port++) {
    if (await isPortFree(port)) ports.push(port);
  }
  if (ports.length < PORT_NAMES.length) throw new ServiceUnavailable('no nine free ports below 32768 for the Temporal server');
  return Object.fromEntries(PORT_NAMES.map((name, i) => [name, String(ports[i])]));
}

/** Registers the namespace, the project's search attributes, and waits until a start with them is accepted. */
async function prepareSqlNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } })
      .catch((err: { code?: number }) => { if (err.code !== GRPC_ALREADY_EXISTS) throw err; });
    const client = new Client({ connection, namespace });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await prepareNamespace(connection, namespace, 24);
        // The frontend checks search attributes against its namespace cache, refreshed every few seconds.
        const probe = await client.workflow.start('temporalSqlProbe', {
          taskQueue: 'temporal-sql-probe', workflowId: `temporal-sql-probe-${Date.now()}`,
          typedSearchAttributes: Object.values(SA).map((key): SearchAttributePair => (key.type === 'DOUBLE' ? { key, value: 0 } : { key, value: 'probe' })),
        });
        await probe.terminate('probe');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/** Temporal's server on PostgreSQL: the first start sets up schemas and the namespace; later starts only start the process. */
export class TemporalSqlServer {
  private ports: Record<string, string> | undefined;

  constructor(private readonly logFile: string, private readonly toolsDir = SQL_TOOLS_DIR, private readonly namespace = 'default') {}

  async start(databaseUrl: string): Promise<RunningDevServer> {
    const first = this.ports === undefined;
    if (first) {
      await setUpSchemas(this.toolsDir, databaseUrl);
      this.ports = await choosePorts();
    }
    const running = await this.spawn(databaseUrl, this.ports ?? {});
    if (first) await prepareSqlNamespace(running.address, this.namespace).catch(async (err: unknown) => { await running.stop(); throw err; });
    return running;
  }

  private async spawn(databaseUrl: string, ports: Record<string, string>): Promise<RunningDevServer> {
    const env = { ...childServiceEnv(process.env), ...pgEnv(databaseUrl), ...ports };
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(binary(this.toolsDir, 'temporal-server'), ['--config-file', CONFIG_FILE, '--allow-no-auth', 'start'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let tail = '';
    const collect = (chunk: Buffer): void => { tail = (tail + chunk.toString('utf8')).slice(-4000); log.write(chunk); };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<'exited'>((resolve) => child.once('exit', () => { log.end(); resolve('exited'); }));
    const address = `127.0.0.1:${ports['FRONTEND_GRPC_PORT']}`;
    const stop = async (): Promise<void> => { if (child.pid !== undefined && child.exitCode === null) await terminate(child.pid, 15_000, 'SIGTERM'); };
    const ready = await Promise.race([waitForFrontend(address, 90_000), exited]).catch(async (err: unknown) => { await stop(); throw err; });
    if (ready === 'exited') throw new ServiceUnavailable(`the Temporal server exited during start-up:\n${tail.trim()}`);
    return { address, uiUrl: undefined, pid: child.pid, stop };
  }
}
