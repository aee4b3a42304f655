import type pg from 'pg';
import { DEFAULT_PRIORITY_WEIGHTS } from '../scoring/schema.js';
import { rankSelectSql } from './breakdown-sql.js';
import type { SqlParams } from './sql-params.js';

/** The table readers use; a full re-rank builds RANK_TABLE_NEXT and renames it to this. */
export const RANK_TABLE = 'issue_ranks';
export const RANK_TABLE_NEXT = 'issue_ranks_next';

/**
 * - `ready`: the table holds a ranking (or there is no open issue to rank).
 * - `missing`: the table does not exist (dropped by hand, or the migration not applied).
 * - `empty`: the table is empty while open issues exist: never ranked, or emptied by a crash
 *   (it is UNLOGGED). Both mean "re-rank needed".
 */
export type RankingState = 'ready' | 'missing' | 'empty';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export async function rankingState(db: Queryable): Promise<RankingState> {
  const res = await db.query<{ present: boolean; ranked: boolean | null; open: boolean }>(
    `SELECT to_regclass('public.${RANK_TABLE}') IS NOT NULL AS present,
            EXISTS (SELECT 1 FROM issues WHERE state = 'open') AS open`,
  );
  const row = res.rows[0];
  if (!row?.present) return 'missing';
  if (!row.open) return 'ready';
  const ranked = await db.query<{ ranked: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${RANK_TABLE}) AS ranked`);
  return ranked.rows[0]?.ranked ? 'ready' : 'empty';
}

/** What a reader should say when it had to compute the ranking itself. */
export function rerankNeededMessage(state: Exclude<RankingState, 'ready'>): string {
  const why = state === 'missing' ? 'the ranking table is missing' : 'the ranking is empty (never built, or lost in a database crash)';
  return `re-rank needed: ${why}; priorities were computed on the fly. Run \`globallm issues rerank\` to rebuild it.`;
}

/**
 * The FROM item rows come from, aliased by the caller: the stored ranking when it is ready,
 * else the same SELECT a re-rank stores (default weights, now), limited by `liveFilter` (an SQL
 * condition over `i`, built with `p`) so a reader of a few repositories scans only those.
 */
export function rankSource(state: RankingState, p: SqlParams, liveFilter = 'TRUE', now = new Date()): string {
  return state === 'ready' ? RANK_TABLE : `(${rankSelectSql(now, DEFAULT_PRIORITY_WEIGHTS, p, liveFilter)})`;
}
