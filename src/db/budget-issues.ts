/**
 * `budget_issue_counts` and `budget_issue_admissions`: how many issues each language took this
 * week (analysed or fixed), each issue counted once per week.
 */
import type { Queryable } from './pool.js';

export interface IssueCountRow { scope: string; limit_issues: number; used_issues: number }

/** Creates the language's count row for the week if missing. */
export async function ensureIssueCount(db: Queryable, scope: string, period: Date, limit: number): Promise<void> {
  await db.query(`INSERT INTO budget_issue_counts (scope, period_start, limit_issues) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [scope, period, limit]);
}

/** Records the issue as admitted this week; false when it was already. */
export async function addAdmission(db: Queryable, scope: string, period: Date, issue: string): Promise<boolean> {
  const fresh = await db.query(`INSERT INTO budget_issue_admissions (scope, period_start, issue) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`, [scope, period, issue]);
  return fresh.rowCount !== 0;
}

/** Issues the language took this week. */
export async function issuesUsed(db: Queryable, scope: string, period: Date): Promise<number> {
  const cur = await db.query<{ used_issues: number }>(`SELECT used_issues FROM budget_issue_counts WHERE scope = $1 AND period_start = $2`, [scope, period]);
  return cur.rows[0]?.used_issues ?? 0;
}

/** Counts one more issue when the limit allows it: the new count, or undefined when the limit is reached. */
export async function countIssue(db: Queryable, scope: string, period: Date, limit: number): Promise<number | undefined> {
  const counted = await db.query<{ used_issues: number }>(
    `UPDATE budget_issue_counts SET used_issues = used_issues + 1, limit_issues = $3
     WHERE scope = $1 AND period_start = $2 AND used_issues + 1 <= $3 RETURNING used_issues`,
    [scope, period, limit],
  );
  return counted.rows[0]?.used_issues;
}

/** Every language's issue count this week. */
export async function issueCountRows(db: Queryable, period: Date): Promise<IssueCountRow[]> {
  const res = await db.query<IssueCountRow>(`SELECT scope, limit_issues, used_issues FROM budget_issue_counts WHERE period_start = $1`, [period]);
  return res.rows;
}
