import { join } from 'node:path';
import type { Pool } from 'pg';
import { runGit } from '../../src/git/run.js';
import { GITHUB_WRITE_LIMITS } from '../../src/budget/write-budget.js';
import type { UsageTotals } from '../../src/sim/llm/server.js';

/** Selected issues with no recorded decision. */
export async function lostIssues(pool: Pool, campaign: string, enqueued: number): Promise<number> {
  const r = await pool.query<{ n: number }>(`SELECT count(DISTINCT (owner, name, issue_number))::int AS n FROM issue_runs WHERE campaign = $1`, [campaign]);
  return Math.max(0, enqueued - (r.rows[0]?.n ?? 0));
}

/**
 * Pull requests and commits beyond one per issue, as git and the database hold them: every
 * `globallm/issue-<n>-…` branch is a pull request on the local forge, and a fix is one commit.
 * A newer fix of ours that replaced an earlier PR is not a duplicate: the earlier row names the
 * newer one (`superseded_by`) and its PR is closed, so each such replacement accounts for one more
 * branch and one more row of its issue. An earlier PR still open (its close owed) still counts.
 */
export async function duplicates(pool: Pool, root: string, repos: readonly string[]): Promise<{ prs: number; commits: number }> {
  const replaced = await replacedPrs(pool);
  let prs = 0;
  let commits = 0;
  for (const repo of repos) {
    const dir = join(root, repo);
    const branches = (await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/globallm/'], { cwd: dir })).split('\n').filter(Boolean);
    const perIssue = new Map<string, number>();
    for (const b of branches) {
      const issue = /^globallm\/issue-(\d+)-/.exec(b)?.[1] ?? b;
      perIssue.set(issue, (perIssue.get(issue) ?? 0) + 1);
      commits += Math.max(0, Number((await runGit(['rev-list', '--count', `main..${b}`], { cwd: dir })).trim()) - 1);
    }
    for (const [issue, n] of perIssue) prs += Math.max(0, n - 1 - (replaced.get(`${repo}#${issue}`) ?? 0));
  }
  const rows = await pool.query<{ n: number }>(
    `SELECT COALESCE(sum(GREATEST(c - 1 - replaced, 0)), 0)::int AS n FROM (
       SELECT count(*) AS c, count(*) FILTER (WHERE ${REPLACED}) AS replaced
         FROM pull_requests WHERE number IS NOT NULL GROUP BY forge, owner, name, issue_number) t`);
  return { prs: Math.max(prs, rows.rows[0]?.n ?? 0), commits };
}

/** A row whose PR a newer fix of ours replaced and closed. */
const REPLACED = `superseded_by IS NOT NULL AND state NOT IN ('draft', 'open')`;

/** Local-forge PRs replaced by a newer fix of ours, by `<repository>#<issue>`. */
async function replacedPrs(pool: Pool): Promise<Map<string, number>> {
  const r = await pool.query<{ key: string; n: number }>(
    `SELECT name || '#' || issue_number AS key, count(*)::int AS n FROM pull_requests
      WHERE forge = 'local' AND number IS NOT NULL AND ${REPLACED} GROUP BY name, issue_number`);
  return new Map(r.rows.map((x) => [x.key, x.n]));
}

/** Tokens charged in PostgreSQL minus the tokens the LLM stand-in's usage log says it served; holds still open alongside. */
/**
 * `unanswered` is what holds whose call never recorded an answer were charged: a later attempt
 * charges such a hold whole (see settleEarlierAttempts), since the provider may have billed the call.
 */
export async function budgetDrift(pool: Pool, served: UsageTotals): Promise<{ drift: number; charged: number; served: number; unanswered: number; openHolds: number }> {
  const r = await pool.query<{ charged: string; unanswered: string; held: number }>(
    `SELECT COALESCE(sum(charged_tokens) FILTER (WHERE state = 'settled'), 0) AS charged,
            COALESCE(sum(charged_tokens) FILTER (WHERE state = 'settled' AND (actual->>'outputTokens')::bigint = 0 AND charged_tokens = tokens), 0) AS unanswered,
            count(*) FILTER (WHERE state = 'held')::int AS held FROM budget_reservations`);
  const charged = Number(r.rows[0]?.charged ?? 0);
  const total = served.inputTokens + served.outputTokens + served.cacheCreationInputTokens + served.cacheReadInputTokens;
  return { drift: charged - total, charged, served: total, unanswered: Number(r.rows[0]?.unanswered ?? 0), openHolds: r.rows[0]?.held ?? 0 };
}

/** Content-creating writes beyond GitHub's per-minute and per-hour limits, per account, and how many were counted at all. */
export async function writeLimitExceeded(pool: Pool): Promise<{ exceeded: number; counted: number }> {
  const r = await pool.query<{ minute: number; hour: number; counted: number }>(
    `SELECT COALESCE(max(m), 0)::int AS minute, COALESCE(max(h), 0)::int AS hour, (SELECT count(*)::int FROM write_budget_events) AS counted FROM (
       SELECT (SELECT count(*) FROM write_budget_events b WHERE b.account = a.account AND b.taken_at > a.taken_at - interval '1 minute' AND b.taken_at <= a.taken_at) AS m,
              (SELECT count(*) FROM write_budget_events b WHERE b.account = a.account AND b.taken_at > a.taken_at - interval '1 hour' AND b.taken_at <= a.taken_at) AS h
         FROM write_budget_events a) w`);
  const row = r.rows[0] ?? { minute: 0, hour: 0, counted: 0 };
  return { exceeded: Math.max(0, row.minute - GITHUB_WRITE_LIMITS.perMinute) + Math.max(0, row.hour - GITHUB_WRITE_LIMITS.perHour), counted: row.counted };
}
