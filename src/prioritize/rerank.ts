import type pg from 'pg';
import { Unavailable, UsageError } from '../errors.js';
import { logger } from '../log.js';
import { DEFAULT_PRIORITY_WEIGHTS, parsePriorityWeights, type PriorityWeights } from '../scoring/schema.js';
import { rankSelectSql } from './breakdown-sql.js';
import { RANK_TABLE, RANK_TABLE_NEXT, rankingState } from './ranking.js';
import { SqlParams } from './sql-params.js';

const log = logger.child({ component: 'rerank' });

/** Serialises re-ranks (full and partial) across processes; taken per transaction. */
const ADVISORY_LOCK = `SELECT pg_advisory_xact_lock(hashtext('globallm:issue_ranks'))`;

export interface RerankOptions {
  now?: Date;
  weights?: PriorityWeights;
  /** Only this repository's issues (after its health or impact changed): an in-place upsert. */
  repositoryId?: number;
  /** Only these issues (after one was analysed): an in-place upsert. */
  issueIds?: ReadonlyArray<number | string>;
  /** Parallel workers for the SELECT and the index builds of a full re-rank (0–8, default 2). */
  parallelWorkers?: number;
  /** The swap waits at most this long per attempt for readers to let go (default 1000 ms)… */
  swapLockTimeoutMs?: number;
  /** …and tries this many times before giving up with Unavailable (default 30). */
  swapAttempts?: number;
}

export interface RerankResult {
  /** `full`: a new ranking swapped in; `partial`: some rows of the current one replaced. */
  mode: 'full' | 'partial';
  /** Open issues ranked by this run. */
  updated: number;
  rankedAt: string;
  ms: number;
}

function filterFor(options: RerankOptions, p: SqlParams): string {
  if (options.repositoryId !== undefined && options.issueIds !== undefined) throw new UsageError('give repositoryId or issueIds, not both');
  if (options.repositoryId !== undefined) {
    if (!Number.isSafeInteger(options.repositoryId) || options.repositoryId < 1) throw new UsageError('repositoryId must be a positive integer');
    return `i.repository_id = ${p.num(options.repositoryId)}::bigint`;
  }
  if (options.issueIds !== undefined) {
    if (options.issueIds.length === 0) throw new UsageError('issueIds must not be empty');
    return `i.id = ANY(${p.bigints(options.issueIds)})`;
  }
  return 'TRUE';
}

function weightsOf(options: RerankOptions): PriorityWeights {
  return options.weights === undefined ? DEFAULT_PRIORITY_WEIGHTS : parsePriorityWeights(options.weights);
}

/** The SELECT a re-rank stores, and its parameters (exported for tests and EXPLAIN). */
export function rerankStatement(options: RerankOptions = {}): { sql: string; params: Array<number | string | string[]> } {
  const now = options.now ?? new Date();
  const weights = weightsOf(options);
  const p = new SqlParams(1);
  const filter = filterFor(options, p);
  return { sql: rankSelectSql(now, weights, p, filter), params: p.values };
}

function wholeIn(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Takes the ACCESS EXCLUSIVE lock on the current ranking, drops it and renames the new table
 * into its place, all inside the caller's transaction: readers see the old ranking until the
 * commit and the new one after. The lock is held only from here to the commit (catalog changes,
 * milliseconds). While it is requested, new readers queue behind it, so each attempt waits at
 * most `lockTimeoutMs` for running readers to finish, then steps back (savepoint) and retries.
 */
async function swapIn(client: pg.PoolClient, lockTimeoutMs: number, attempts: number): Promise<number> {
  const started = performance.now();
  const exists = (await client.query<{ t: string | null }>(`SELECT to_regclass('public.${RANK_TABLE}')::text AS t`)).rows[0]?.t;
  if (exists) {
    for (let attempt = 1; ; attempt++) {
      await client.query('SAVEPOINT swap');
      try {
        await client.query(`SET LOCAL lock_timeout = '${lockTimeoutMs}ms'`);
        await client.query(`LOCK TABLE ${RANK_TABLE} IN ACCESS EXCLUSIVE MODE`);
        await client.query(`SET LOCAL lock_timeout = 0`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err; // lock_not_available
        await client.query('ROLLBACK TO SAVEPOINT swap');
        if (attempt >= attempts) throw new Unavailable(`re-rank: readers held ${RANK_TABLE} through ${attempts} swap attempts`, { cause: err });
        log.warn({ attempt }, 'ranking swap waiting for readers');
        await sleep(Math.min(50 * attempt, 500));
      }
    }
    await client.query(`DROP TABLE ${RANK_TABLE}`);
  }
  await client.query(`ALTER TABLE ${RANK_TABLE_NEXT} RENAME TO ${RANK_TABLE}`);
  await client.query(`ALTER INDEX ${RANK_TABLE_NEXT}_pkey RENAME TO ${RANK_TABLE}_pkey`);
  await client.query(`ALTER INDEX ${RANK_TABLE_NEXT}_priority_idx RENAME TO ${RANK_TABLE}_priority_idx`);
  return performance.now() - started;
}

async function rebuild(client: pg.PoolClient, options: RerankOptions, now: Date): Promise<number> {
  const workers = wholeIn('parallelWorkers', options.parallelWorkers, 2, 0, 8);
  const lockTimeoutMs = wholeIn('swapLockTimeoutMs', options.swapLockTimeoutMs, 1000, 1, 600_000);
  const attempts = wholeIn('swapAttempts', options.swapAttempts, 30, 1, 10_000);
  const { sql, params } = rerankStatement({ now, ...(options.weights ? { weights: options.weights } : {}) });
  // Session settings for this transaction only. The SELECT's issue terms run in parallel workers
  // when `workers` > 0 (the leader writes the rows); the index builds sort in memory.
  await client.query(`SET LOCAL work_mem = '64MB'`);
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await client.query(`SET LOCAL max_parallel_workers_per_gather = ${workers}`);
  await client.query(`SET LOCAL max_parallel_maintenance_workers = ${workers}`);
  await client.query(`DROP TABLE IF EXISTS ${RANK_TABLE_NEXT}`); // only ever left by hand: a failed build rolls back
  const res = await client.query(`CREATE UNLOGGED TABLE ${RANK_TABLE_NEXT} AS ${sql}`, params);
  await client.query(`ALTER TABLE ${RANK_TABLE_NEXT} ALTER COLUMN priority SET NOT NULL, ALTER COLUMN breakdown SET NOT NULL,
    ALTER COLUMN ranked_at SET NOT NULL, ADD CONSTRAINT ${RANK_TABLE_NEXT}_pkey PRIMARY KEY (issue_id)`);
  await client.query(`CREATE INDEX ${RANK_TABLE_NEXT}_priority_idx ON ${RANK_TABLE_NEXT} (priority DESC, issue_id)`);
  const waited = await swapIn(client, lockTimeoutMs, attempts);
  log.debug({ swapMs: Math.round(waited) }, 'ranking swapped in');
  return res.rowCount ?? 0;
}

async function upsert(client: pg.PoolClient, options: RerankOptions, now: Date): Promise<number> {
  const del = new SqlParams(1);
  const delFilter = filterFor(options, del);
  // Issues of the scope that are no longer open leave the ranking.
  await client.query(`DELETE FROM ${RANK_TABLE} k USING issues i WHERE k.issue_id = i.id AND i.state <> 'open' AND (${delFilter})`, del.values);
  const { sql, params } = rerankStatement({ ...options, now });
  const res = await client.query(
    `INSERT INTO ${RANK_TABLE} (issue_id, priority, breakdown, ranked_at) ${sql}
     ON CONFLICT (issue_id) DO UPDATE SET priority = EXCLUDED.priority, breakdown = EXCLUDED.breakdown, ranked_at = EXCLUDED.ranked_at`,
    params,
  );
  return res.rowCount ?? 0;
}

/**
 * Re-scores open issues inside PostgreSQL, nothing read into the process.
 *
 * Full (no repositoryId / issueIds): one statement computes every open issue's priority and
 * breakdown into a fresh UNLOGGED table, its primary key and priority index are built, and it
 * is swapped in for `issue_ranks` (see swapIn) — all in one transaction, so a failure leaves
 * the old ranking untouched and readers never see a half-built one.
 *
 * Partial: upserts the given issues' rows into the current ranking. When the ranking is
 * missing or empty (a crash empties the UNLOGGED table) a partial re-rank would leave most
 * issues unranked, so it rebuilds the whole ranking instead.
 */
export async function rerankOpenIssues(pool: pg.Pool, options: RerankOptions = {}): Promise<RerankResult> {
  const now = options.now ?? new Date();
  rerankStatement({ ...options, now }); // validates every option before a connection is taken
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ADVISORY_LOCK);
    let mode: RerankResult['mode'] = 'full';
    if (options.repositoryId !== undefined || options.issueIds !== undefined) {
      const state = await rankingState(client);
      if (state === 'ready') mode = 'partial';
      else log.warn({ state }, 'ranking not ready: rebuilding it whole instead of a partial re-rank');
    }
    const updated = mode === 'partial' ? await upsert(client, options, now) : await rebuild(client, options, now);
    await client.query('COMMIT');
    const result: RerankResult = { mode, updated, rankedAt: now.toISOString(), ms: performance.now() - started };
    log.info({ mode, updated, ms: Math.round(result.ms) }, 'issues re-ranked');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Rebuilds the ranking when it is missing or empty (e.g. after a crash); a no-op otherwise. */
export async function ensureRanking(pool: pg.Pool, options: Omit<RerankOptions, 'repositoryId' | 'issueIds'> = {}): Promise<RerankResult | null> {
  if ((await rankingState(pool)) === 'ready') return null;
  return rerankOpenIssues(pool, options);
}
