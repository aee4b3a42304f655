/**
 * Writing the ranking (`issue_ranks`): a full rebuild into a fresh table swapped in for the
 * current one, or an in-place upsert of some issues' rows, each in one transaction under an
 * advisory lock that serialises re-ranks across processes.
 */
import type pg from 'pg';
import { Unavailable, UsageError } from '../errors.js';
import { logger } from '../log.js';
import type { PriorityWeights } from '../scoring/schema.js';
import { RANK_TABLE, RANK_TABLE_NEXT } from './rankings.js';
import { rankSelectSql } from './rank-select.js';
import { SqlParams } from './sql-params.js';

const log = logger.child({ component: 'rerank' });

/** Serialises re-ranks (full and partial) across processes; taken per transaction. */
const ADVISORY_LOCK = `SELECT pg_advisory_xact_lock(hashtext('globallm:issue_ranks'))`;

/** Which open issues a re-rank scores: all, one repository's, or these. */
export interface RankScope {
  repositoryId?: number | undefined;
  issueIds?: ReadonlyArray<number | string> | undefined;
}

/** The SQL condition over `i` selecting the scope's issues (UsageError when the scope is malformed). */
export function rankFilter(scope: RankScope, p: SqlParams): string {
  if (scope.repositoryId !== undefined && scope.issueIds !== undefined) throw new UsageError('give repositoryId or issueIds, not both');
  if (scope.repositoryId !== undefined) {
    if (!Number.isSafeInteger(scope.repositoryId) || scope.repositoryId < 1) throw new UsageError('repositoryId must be a positive integer');
    return `i.repository_id = ${p.num(scope.repositoryId)}::bigint`;
  }
  if (scope.issueIds !== undefined) {
    if (scope.issueIds.length === 0) throw new UsageError('issueIds must not be empty');
    return `i.id = ANY(${p.bigints(scope.issueIds)})`;
  }
  return 'TRUE';
}

export interface RankStatement { sql: string; params: Array<number | string | string[]> }

/** The SELECT a re-rank stores for the scope, and its parameters. */
export function rankStatement(now: Date, weights: PriorityWeights, scope: RankScope): RankStatement {
  const p = new SqlParams(1);
  const filter = rankFilter(scope, p);
  return { sql: rankSelectSql(now, weights, p, filter), params: p.values };
}

/** Runs `fn` in one transaction holding the re-rank lock; rolls back when it throws. */
export async function withRankLock<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ADVISORY_LOCK);
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
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

export interface RebuildSettings {
  /** Parallel workers for the SELECT and the index builds. */
  workers: number;
  /** How long each swap attempt waits for readers, and how many attempts. */
  lockTimeoutMs: number;
  attempts: number;
}

/** Builds the whole ranking from `statement` into a fresh table and swaps it in; returns the rows ranked. */
export async function rebuildRanking(client: pg.PoolClient, statement: RankStatement, s: RebuildSettings): Promise<number> {
  const { sql, params } = statement;
  // Session settings for this transaction only. The SELECT's issue terms run in parallel workers
  // when `workers` > 0 (the leader writes the rows); the index builds sort in memory.
  await client.query(`SET LOCAL work_mem = '64MB'`);
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await client.query(`SET LOCAL max_parallel_workers_per_gather = ${s.workers}`);
  await client.query(`SET LOCAL max_parallel_maintenance_workers = ${s.workers}`);
  await client.query(`DROP TABLE IF EXISTS ${RANK_TABLE_NEXT}`); // only ever left by hand: a failed build rolls back
  const res = await client.query(`CREATE UNLOGGED TABLE ${RANK_TABLE_NEXT} AS ${sql}`, params);
  await client.query(`ALTER TABLE ${RANK_TABLE_NEXT} ALTER COLUMN priority SET NOT NULL, ALTER COLUMN breakdown SET NOT NULL,
    ALTER COLUMN ranked_at SET NOT NULL, ADD CONSTRAINT ${RANK_TABLE_NEXT}_pkey PRIMARY KEY (issue_id)`);
  await client.query(`CREATE INDEX ${RANK_TABLE_NEXT}_priority_idx ON ${RANK_TABLE_NEXT} (priority DESC, issue_id)`);
  const waited = await swapIn(client, s.lockTimeoutMs, s.attempts);
  log.debug({ swapMs: Math.round(waited) }, 'ranking swapped in');
  return res.rowCount ?? 0;
}

/** Replaces the scope's rows of the current ranking with `statement`'s (issues no longer open leave it); returns the rows written. */
export async function upsertRanking(client: pg.PoolClient, scope: RankScope, statement: RankStatement): Promise<number> {
  const del = new SqlParams(1);
  const delFilter = rankFilter(scope, del);
  // Issues of the scope that are no longer open leave the ranking.
  await client.query(`DELETE FROM ${RANK_TABLE} k USING issues i WHERE k.issue_id = i.id AND i.state <> 'open' AND (${delFilter})`, del.values);
  const { sql, params } = statement;
  const res = await client.query(
    `INSERT INTO ${RANK_TABLE} (issue_id, priority, breakdown, ranked_at) ${sql}
     ON CONFLICT (issue_id) DO UPDATE SET priority = EXCLUDED.priority, breakdown = EXCLUDED.breakdown, ranked_at = EXCLUDED.ranked_at`,
    params,
  );
  return res.rowCount ?? 0;
}
