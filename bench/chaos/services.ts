import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/stack/postgres.js';
import { startDevServer, type RunningDevServer } from '../../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../../src/stack/temporal-binary.js';
import { freePort } from '../../src/util/ports.js';
import { TemporalSqlServer } from './temporal-sql.js';

/** A part of the stand that could not start: the bench names it and exits non-zero. */
export class PartFailed extends Error {
  constructor(readonly part: string, cause: unknown) {
    super(`could not start ${part}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export async function startPart<T>(part: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw new PartFailed(part, err);
  }
}

/** Which Temporal server the stand runs: the dev server (SQLite), or Temporal's own server on the stand's PostgreSQL. */
export type TemporalKind = 'dev' | 'sql';

/** PostgreSQL and a Temporal server on fixed ports and files, so each can be stopped and started again in place. */
export class RestartableServices {
  pg: RunningPostgres | undefined;
  temporal: RunningDevServer | undefined;
  private pgPort = 0;
  private temporalPort = 0;
  private readonly sql: TemporalSqlServer | undefined;
  private readonly temporalPart: string;

  constructor(private readonly dir: string, kind: TemporalKind = 'dev') {
    this.sql = kind === 'sql' ? new TemporalSqlServer(join(dir, 'temporal-sql.log')) : undefined;
    this.temporalPart = kind === 'sql' ? 'the Temporal server on PostgreSQL' : 'the Temporal dev server';
  }

  async start(): Promise<void> {
    [this.pgPort, this.temporalPort] = await Promise.all([freePort(), freePort()]);
    // On PostgreSQL, Temporal starts once its database is up.
    if (this.sql) await startPart('PostgreSQL', () => this.startPg()).then(() => startPart(this.temporalPart, () => this.startTemporal()));
    else await Promise.all([startPart('PostgreSQL', () => this.startPg()), startPart(this.temporalPart, () => this.startTemporal())]);
  }

  get databaseUrl(): string { return this.pg?.url ?? ''; }
  get temporalAddress(): string { return this.temporal?.address ?? ''; }

  async startPg(): Promise<void> {
    this.pg = await startEmbeddedPostgres({ dataDir: join(this.dir, 'pg'), port: this.pgPort, database: 'globallm_chaos', ephemeral: true });
  }

  async startTemporal(): Promise<void> {
    if (this.sql) {
      this.temporal = await this.sql.start(this.databaseUrl);
      return;
    }
    const binary = resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] });
    this.temporal = await startDevServer({ binary, port: this.temporalPort, uiPort: 0, headless: true, namespace: 'default', dbFile: join(this.dir, 'temporal.db') });
  }

  async restartPg(): Promise<void> {
    await this.pg?.stop();
    await startPart('PostgreSQL (restart)', () => this.startPg());
  }

  async restartTemporal(): Promise<void> {
    await this.temporal?.stop();
    await startPart(`${this.temporalPart} (restart)`, () => this.startTemporal());
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.temporal?.stop(), this.pg?.stop()]);
  }
}
