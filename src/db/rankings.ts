/**
 * The ranking (`issue_ranks`): every open issue's priority and compact breakdown, rebuilt by a
 * re-rank (src/db/rerank.ts) and read here, or computed on the fly while it is not ready.
 */
import { DEFAULT_PRIORITY_WEIGHTS } from '../scoring/schema.js';
import type { Queryable } from './pool.js';
import { rankSelectSql } from './rank-select.js';
import { SqlParams } from './sql-params.js';

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

/**
 * The FROM item rows come from, aliased by the caller: the stored ranking when it is ready,
 * else the same SELECT a re-rank stores (default weights, now), limited by `liveFilter` (an SQL
 * condition over `i`, built with `p`) so a reader of a few repositories scans only those.
 */
export function rankSource(state: RankingState, p: SqlParams, liveFilter = 'TRUE', now = new Date()): string {
  return state === 'ready' ? RANK_TABLE : `(${rankSelectSql(now, DEFAULT_PRIORITY_WEIGHTS, p, liveFilter)})`;
}

/** A ranked open issue with the columns its breakdown is explained from. */
export interface RankedIssueRow {
  owner: string; name: string; number: number; title: string; category: string | null;
  priority: number; ranked_at: Date | null; breakdown: unknown;
  health: number | null; impact: number | null; solvability: number | null; complexity: number | null;
  created_at: Date; comments: number; reactions: number;
}

/**
 * Open issues by priority (highest first), optionally of one repository (`owner/name`, lower
 * case), from the stored ranking, or computed on the fly when `state` is not ready. Rows are
 * joined with the issues as they are now, so an issue closed since the last re-rank is not listed.
 */
export async function rankedIssueRows(db: Queryable, state: RankingState, opts: { repo?: string | undefined; limit: number }): Promise<RankedIssueRow[]> {
  const p = new SqlParams(1);
  const limit = p.num(opts.limit);
  let where = `i.state = 'open'`;
  let liveFilter = 'TRUE';
  if (opts.repo !== undefined) {
    const [owner, name] = opts.repo.split('/') as [string, string];
    const repoMatch = `lower(r.owner) = ${p.text(owner)} AND lower(r.name) = ${p.text(name)}`;
    where += ` AND ${repoMatch}`;
    liveFilter = `i.repository_id IN (SELECT r.id FROM repositories r WHERE ${repoMatch})`;
  }
  const source = rankSource(state, p, liveFilter);
  const res = await db.query<RankedIssueRow>(
    `SELECT r.owner, r.name, i.number, i.title, i.category, k.priority, k.ranked_at, k.breakdown,
            r.health, r.impact, i.solvability, i.complexity, i.created_at, i.comments, i.reactions
     FROM ${source} k JOIN issues i ON i.id = k.issue_id JOIN repositories r ON r.id = i.repository_id
     WHERE ${where}
     ORDER BY k.priority DESC, k.issue_id
     LIMIT ${limit}::bigint`,
    p.values,
  );
  return res.rows;
}
