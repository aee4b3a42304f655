import type { Pool } from 'pg';
import type { OutcomeHistory } from '../scoring/outcomes.js';

/**
 * One row per pull request we opened: its repository, category and fate. `merged` when an
 * outcome says so; `rejected` when it was closed unmerged or ignored. The one definition read by
 * the ranking (rank-select.ts), the analysis stage and the merge-rate report.
 */
export const PR_FATES_SQL = `
  SELECT p.forge, lower(p.owner) AS owner, lower(p.name) AS name, coalesce(p.category, i.category) AS category,
         EXISTS (SELECT 1 FROM outcomes o WHERE o.pull_request_id = p.id AND o.kind = 'merged') AS merged,
         EXISTS (SELECT 1 FROM outcomes o WHERE o.pull_request_id = p.id AND o.kind = 'closed') AS closed,
         EXISTS (SELECT 1 FROM outcomes o WHERE o.pull_request_id = p.id AND o.kind = 'ignored') AS ignored
    FROM pull_requests p LEFT JOIN issues i ON i.id = p.issue_id
   WHERE p.number IS NOT NULL`;

const counts = `count(*) FILTER (WHERE f.merged)::int AS merged, count(*) FILTER (WHERE NOT f.merged AND (f.closed OR f.ignored))::int AS closed`;

/** merged / closed per repository id. */
export const REPO_OUTCOMES_SQL = `
  SELECT r.id AS repository_id, ${counts}
    FROM (${PR_FATES_SQL}) f JOIN repositories r ON r.forge = f.forge AND lower(r.owner) = f.owner AND lower(r.name) = f.name
   GROUP BY r.id`;

/** merged / closed per issue category. */
export const CATEGORY_OUTCOMES_SQL = `
  SELECT f.category, ${counts} FROM (${PR_FATES_SQL}) f WHERE f.category IS NOT NULL GROUP BY f.category`;

/** The outcome history the priority of one issue of this repository and category weighs. */
export async function outcomeHistory(pool: Pool, repositoryId: string, category: string): Promise<OutcomeHistory> {
  const res = await pool.query<{ rm: number | null; rc: number | null; cm: number | null; cc: number | null }>(
    `SELECT ro.merged AS rm, ro.closed AS rc, co.merged AS cm, co.closed AS cc
       FROM (SELECT 1) one
       LEFT JOIN (${REPO_OUTCOMES_SQL}) ro ON ro.repository_id = $1::bigint
       LEFT JOIN (${CATEGORY_OUTCOMES_SQL}) co ON co.category = $2`,
    [repositoryId, category],
  );
  const r = res.rows[0];
  return {
    repository: { merged: r?.rm ?? 0, closed: r?.rc ?? 0 },
    category: { merged: r?.cm ?? 0, closed: r?.cc ?? 0 },
  };
}
