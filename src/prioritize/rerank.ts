import type pg from 'pg';
import { UsageError } from '../errors.js';
import { logger } from '../log.js';
import { rankingState } from '../db/rankings.js';
import { rankStatement, rebuildRanking, upsertRanking, withRankLock, type RankStatement } from '../db/rerank.js';
import { DEFAULT_PRIORITY_WEIGHTS, parsePriorityWeights, type PriorityWeights } from '../scoring/schema.js';

const log = logger.child({ component: 'rerank' });

export interface RerankOptions {
  now?: Date;
  weights?: PriorityWeights;
  /** Only this repository's issues (after its health or impact changed): an in-place upsert. */
  repositoryId?: number;
  /** Only these issues (after one was analysed): an in-place upsert. */
  issueIds?: ReadonlyArray<number | string>;
  /** Parallel workers for the query that reads the issues and for the index builds of a full re-rank (0–8, default 2). */
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

function weightsOf(options: RerankOptions): PriorityWeights {
  return options.weights === undefined ? DEFAULT_PRIORITY_WEIGHTS : parsePriorityWeights(options.weights);
}

/** The query a re-rank stores, and its parameters (exported for tests and EXPLAIN). */
export function rerankStatement(options: RerankOptions = {}): RankStatement {
  const now = options.now ?? new Date();
  return rankStatement(now, weightsOf(options), { repositoryId: options.repositoryId, issueIds: options.issueIds });
}

function wholeIn(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

async function rebuild(client: pg.PoolClient, options: RerankOptions, now: Date): Promise<number> {
  const workers = wholeIn('parallelWorkers', options.parallelWorkers, 2, 0, 8);
  const lockTimeoutMs = wholeIn('swapLockTimeoutMs', options.swapLockTimeoutMs, 1000, 1, 600_000);
  const attempts = wholeIn('swapAttempts', options.swapAttempts, 30, 1, 10_000);
  const statement = rerankStatement({ now, ...(options.weights ? { weights: options.weights } : {}) });
  return rebuildRanking(client, statement, { workers, lockTimeoutMs, attempts });
}

function upsert(client: pg.PoolClient, options: RerankOptions, now: Date): Promise<number> {
  return upsertRanking(client, { repositoryId: options.repositoryId, issueIds: options.issueIds }, rerankStatement({ ...options, now }));
}

/**
 * Re-scores open issues inside PostgreSQL, nothing read into the process.
 *
 * Full (no repositoryId / issueIds): one statement computes every open issue's priority and
 * breakdown into a fresh UNLOGGED table, its primary key and priority index are built, and it
 * is swapped in for `issue_ranks` (see src/db/rerank.ts) — all in one transaction, so a failure
 * leaves the old ranking untouched and readers never see a half-built one.
 *
 * Partial: upserts the given issues' rows into the current ranking. When the ranking is
 * missing or empty (a crash empties the UNLOGGED table) a partial re-rank would leave most
 * issues unranked, so it rebuilds the whole ranking instead.
 */
export async function rerankOpenIssues(pool: pg.Pool, options: RerankOptions = {}): Promise<RerankResult> {
  const now = options.now ?? new Date();
  rerankStatement({ ...options, now }); // validates every option before a connection is taken
  const started = performance.now();
  const { mode, updated } = await withRankLock(pool, async (client) => {
    let mode: RerankResult['mode'] = 'full';
    if (options.repositoryId !== undefined || options.issueIds !== undefined) {
      const state = await rankingState(client);
      if (state === 'ready') mode = 'partial';
      else log.warn({ state }, 'ranking not ready: rebuilding it whole instead of a partial re-rank');
    }
    const updated = mode === 'partial' ? await upsert(client, options, now) : await rebuild(client, options, now);
    return { mode, updated };
  });
  const result: RerankResult = { mode, updated, rankedAt: now.toISOString(), ms: performance.now() - started };
  log.info({ mode, updated, ms: Math.round(result.ms) }, 'issues re-ranked');
  return result;
}

/** Rebuilds the ranking when it is missing or empty (e.g. after a crash); a no-op otherwise. */
export async function ensureRanking(pool: pg.Pool, options: Omit<RerankOptions, 'repositoryId' | 'issueIds'> = {}): Promise<RerankResult | null> {
  if ((await rankingState(pool)) === 'ready') return null;
  return rerankOpenIssues(pool, options);
}
