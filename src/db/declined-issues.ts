/**
 * The `declined_issues` table: issues where a maintainer closed our PR unmerged. We never open a
 * PR for them again; the memory is PostgreSQL's, so it outlives Temporal's retention.
 */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';

export interface DeclinedIssue {
  forge: string;
  repo: RepoRef;
  issueNumber: number;
  prNumber: number;
  prUrl: string | null;
  closedAt: string | null;
}

/** Remembers a declined issue (the first closing is kept when it is seen twice). */
export async function recordDeclined(pool: Pool, d: DeclinedIssue): Promise<void> {
  await pool.query(
    `INSERT INTO declined_issues (forge, owner, name, issue_number, pr_number, pr_url, closed_at) VALUES ($1, lower($2), lower($3), $4, $5, $6, $7)
     ON CONFLICT (forge, owner, name, issue_number) DO NOTHING`,
    [d.forge, d.repo.owner, d.repo.name, d.issueNumber, d.prNumber, d.prUrl, d.closedAt],
  );
}

export async function findDeclined(pool: Pool, forge: string, repo: RepoRef, issueNumber: number): Promise<DeclinedIssue | null> {
  const r = await pool.query<{ pr_number: number; pr_url: string | null; closed_at: Date | null }>(
    'SELECT pr_number, pr_url, closed_at FROM declined_issues WHERE forge = $1 AND owner = lower($2) AND name = lower($3) AND issue_number = $4',
    [forge, repo.owner, repo.name, issueNumber],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { forge, repo, issueNumber, prNumber: row.pr_number, prUrl: row.pr_url, closedAt: row.closed_at?.toISOString() ?? null };
}

/** Why a declined issue is skipped (runs record it after `maintainer_closed: `). */
export function declinedReason(d: DeclinedIssue): string {
  return `a maintainer closed our PR #${d.prNumber}${d.closedAt ? ` on ${d.closedAt.slice(0, 10)}` : ''} without merging it; no PR is opened again for this issue`;
}
