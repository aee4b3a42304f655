/** The `issue_runs` table: each issue workflow's decision, kept beyond Temporal's retention. */
import type { Pool } from 'pg';

export interface IssueRunRecord {
  workflowId: string;
  runId: string;
  owner: string;
  name: string;
  issueNumber: number;
  campaign: string | null;
  result: string;
  detail: Record<string, unknown>;
}

/** One row per issue workflow, idempotent: a later run of the same workflow replaces it. */
export async function upsertIssueRun(pool: Pool, r: IssueRunRecord): Promise<void> {
  await pool.query(
    `INSERT INTO issue_runs (workflow_id, run_id, owner, name, issue_number, campaign, result, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (workflow_id) DO UPDATE SET run_id = EXCLUDED.run_id, result = EXCLUDED.result, detail = EXCLUDED.detail, finished_at = now()`,
    [r.workflowId, r.runId, r.owner, r.name, r.issueNumber, r.campaign, r.result, JSON.stringify(r.detail)],
  );
}

/** What one run of an issue workflow recorded, if it did. */
export async function findIssueRun<R extends string>(pool: Pool, workflowId: string, runId: string): Promise<{ result: R; reason: string | null } | undefined> {
  const recorded = await pool.query<{ result: R; reason: string | null }>(
    `SELECT result, detail->>'reason' AS reason FROM issue_runs WHERE workflow_id = $1 AND run_id = $2`, [workflowId, runId]);
  return recorded.rows[0];
}
