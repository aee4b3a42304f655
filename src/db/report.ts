/**
 * The report's read model: counts over repositories, issues, fix results, pull requests and
 * issue runs, and the settled model calls, optionally limited to one campaign's issues.
 */
import type pg from 'pg';

/** Which issues the report covers: every one, or those of one campaign (by `owner/name#number`). */
export interface Scope { issues: string[] | null }

const issueKey = `r.owner || '/' || r.name || '#' || i.number`;

/** Repositories, approved ones, their issues and the analyzed ones, optionally only those of the scope's issues. */
export async function intakeCounts(pool: pg.Pool, scope: Scope): Promise<{ discovered: number; approved: number; issues: number; analyzed: number }> {
  const { rows } = await pool.query<{ discovered: number; approved: number; issues: number; analyzed: number }>(
    `WITH scoped AS (SELECT r.id AS repo_id, r.status, i.id AS issue_id, i.analyzed_at
                       FROM repositories r LEFT JOIN issues i ON i.repository_id = r.id
                      WHERE $1::text[] IS NULL OR ${issueKey} = ANY($1::text[]))
     SELECT count(DISTINCT repo_id)::int AS discovered,
            count(DISTINCT repo_id) FILTER (WHERE status = 'approved')::int AS approved,
            count(DISTINCT issue_id) FILTER (WHERE status = 'approved')::int AS issues,
            count(DISTINCT issue_id) FILTER (WHERE status = 'approved' AND analyzed_at IS NOT NULL)::int AS analyzed
       FROM scoped`, [scope.issues]);
  return rows[0] ?? { discovered: 0, approved: 0, issues: 0, analyzed: 0 };
}

/** Issues with a chosen fix, with a fix that passed validation, with a PR, with a merged PR. */
export async function outputCounts(pool: pg.Pool, scope: Scope): Promise<{ fixed: number; validated: number; prs: number; merged: number }> {
  const { rows } = await pool.query<{ fixed: number; validated: number; prs: number; merged: number }>(
    `SELECT
       (SELECT count(DISTINCT (owner, name, issue_number))::int FROM fix_results
         WHERE result->'chosen' IS NOT NULL AND result->>'chosen' <> 'null'
           AND ($1::text[] IS NULL OR owner || '/' || name || '#' || issue_number = ANY($1::text[]))) AS fixed,
       (SELECT count(DISTINCT (owner, name, issue_number))::int FROM fix_results
         WHERE status = 'pass' AND ($1::text[] IS NULL OR owner || '/' || name || '#' || issue_number = ANY($1::text[]))) AS validated,
       (SELECT count(*)::int FROM pull_requests
         WHERE state <> 'preview' AND ($1::text[] IS NULL OR owner || '/' || name || '#' || issue_number = ANY($1::text[]))) AS prs,
       (SELECT count(*)::int FROM pull_requests
         WHERE state = 'merged' AND ($1::text[] IS NULL OR owner || '/' || name || '#' || issue_number = ANY($1::text[]))) AS merged`,
    [scope.issues]);
  return rows[0] ?? { fixed: 0, validated: 0, prs: 0, merged: 0 };
}

/** Issue runs recorded as finished (the fallback count of enqueued issues without Temporal). */
export async function finishedRuns(pool: pg.Pool, campaign: string | null): Promise<Array<{ workflow_id: string; run_id: string; owner: string; name: string; issue_number: number; result: string; detail: Record<string, unknown>; finished_at: Date }>> {
  const { rows } = await pool.query<{ workflow_id: string; run_id: string; owner: string; name: string; issue_number: number; result: string; detail: Record<string, unknown>; finished_at: Date }>(
    `SELECT workflow_id, run_id, owner, name, issue_number, result, detail, finished_at FROM issue_runs
      WHERE $1::text IS NULL OR campaign = $1 ORDER BY finished_at DESC LIMIT 500`, [campaign]);
  return rows;
}

/** Pull requests by state (preview: a dry run's prepared body). */
export async function prOutcomes(pool: pg.Pool, scope: Scope): Promise<Array<{ name: string; count: number }>> {
  const { rows } = await pool.query<{ name: string; count: number }>(
    `SELECT state AS name, count(*)::int AS count FROM pull_requests
      WHERE $1::text[] IS NULL OR owner || '/' || name || '#' || issue_number = ANY($1::text[])
      GROUP BY state ORDER BY state`, [scope.issues]);
  return rows;
}

export interface ChargeRow { at: Date; tokens: string; usd: string | null; scopes: string[]; model: string | null }

/** Settled model calls, oldest first: tokens and dollars with the scopes they were charged to. */
export async function settledCharges(pool: pg.Pool, repos: string[] | null): Promise<ChargeRow[]> {
  const { rows } = await pool.query<ChargeRow>(
    `SELECT settled_at AS at,
            ((actual->>'inputTokens')::bigint + (actual->>'outputTokens')::bigint
              + (actual->>'cacheReadTokens')::bigint + (actual->>'cacheWriteTokens')::bigint)::text AS tokens,
            cost_usd::text AS usd, scopes, model
       FROM budget_reservations
      WHERE state = 'settled' AND actual IS NOT NULL
        AND ($1::text[] IS NULL OR scopes && $1::text[])
      ORDER BY settled_at`, [repos === null ? null : repos.map((r) => `repo:${r}`)]);
  return rows;
}
