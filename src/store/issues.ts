import type { Pool } from 'pg';
import type { IssueAnalysis } from '../analysis/schema.js';
import type { PriorityBreakdown } from '../scoring/priority.js';
import { logger } from '../log.js';
import { rankingState, rankSource } from '../db/rankings.js';
import { SqlParams } from '../db/sql-params.js';
import type { ForgeKind } from '../forge/types.js';

const log = logger.child({ component: 'store-issues' });

export interface StoredIssue {
  id: string;
  repositoryId: string;
  forge: ForgeKind;
  owner: string;
  name: string;
  language: string | null;
  number: number;
  title: string;
  body: string;
  labels: string[];
  comments: number;
  reactions: number;
  createdAt: string;
  state: string;
  skipReason: string | null;
  health: number | null;
  impact: number | null;
  defaultBranch: string | null;
  /** The analyzer's category, once analyzed. */
  category: string | null;
}

const SELECT = `
  SELECT i.id::text, i.repository_id::text AS "repositoryId", r.forge, r.owner, r.name, r.language, i.number, i.title, i.body,
         i.labels, i.comments, i.reactions, i.created_at AS "createdAt", i.state, i.skip_reason AS "skipReason",
         r.health, r.impact, r.metadata->>'defaultBranch' AS "defaultBranch", i.category
    FROM issues i JOIN repositories r ON r.id = i.repository_id`;

type Row = Omit<StoredIssue, 'createdAt'> & { createdAt: Date };
const toIssue = (r: Row): StoredIssue => ({ ...r, createdAt: r.createdAt.toISOString() });

export async function findIssue(pool: Pool, ref: { forge: string; owner: string; repo: string; number: number }): Promise<StoredIssue | undefined> {
  const res = await pool.query<Row>(`${SELECT} WHERE r.forge = $1 AND r.owner = $2 AND r.name = $3 AND i.number = $4`, [ref.forge, ref.owner, ref.repo, ref.number]);
  return res.rows[0] ? toIssue(res.rows[0]) : undefined;
}

/** Open issues of the given repositories that have no analysis yet, oldest first. */
export async function unanalyzedIssues(pool: Pool, repositoryKeys: Array<{ forge: string; owner: string; repo: string }>, limit: number): Promise<StoredIssue[]> {
  if (repositoryKeys.length === 0) return [];
  const res = await pool.query<Row>(
    `${SELECT} WHERE i.state = 'open' AND i.analyzed_at IS NULL
       AND (r.forge, r.owner, r.name) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
     ORDER BY i.created_at LIMIT $4`,
    [repositoryKeys.map((k) => k.forge), repositoryKeys.map((k) => k.owner), repositoryKeys.map((k) => k.repo), limit],
  );
  return res.rows.map(toIssue);
}

export async function saveAnalysis(pool: Pool, issueId: string, analysis: IssueAnalysis, priority: PriorityBreakdown): Promise<void> {
  await pool.query(
    `UPDATE issues SET category = $2, critical = $3, complexity = $4, solvability = $5, analysis = $6, analyzed_at = now(),
            priority = $7, priority_breakdown = $8, ranked_at = now()
      WHERE id = $1`,
    [issueId, analysis.category, analysis.critical, analysis.complexity, analysis.solvability, JSON.stringify(analysis), priority.total, JSON.stringify(priority)],
  );
}

/**
 * The highest-priority open issues of these repositories, at most `limit` in all, from the
 * ranking (issue_ranks). When the ranking is missing or empty (re-rank needed) the priorities of
 * these repositories' issues are computed on the fly instead.
 */
export async function topIssues(pool: Pool, repositoryKeys: Array<{ forge: string; owner: string; repo: string }>, limit: number): Promise<Array<{ forge: string; owner: string; name: string; language: string | null; number: number; title: string; priority: number }>> {
  if (repositoryKeys.length === 0 || limit <= 0) return [];
  const state = await rankingState(pool);
  const p = new SqlParams(1);
  const forge = p.textArray(repositoryKeys.map((k) => k.forge));
  const owner = p.textArray(repositoryKeys.map((k) => k.owner));
  const name = p.textArray(repositoryKeys.map((k) => k.repo));
  const inRepos = `(r.forge, r.owner, r.name) IN (SELECT * FROM unnest(${forge}, ${owner}, ${name}))`;
  const source = rankSource(state, p, `i.repository_id IN (SELECT r.id FROM repositories r WHERE ${inRepos})`);
  if (state !== 'ready') log.warn({ state }, 're-rank needed: ranking computed on the fly');
  const res = await pool.query<{ forge: string; owner: string; name: string; language: string | null; number: number; title: string; priority: number }>(
    `SELECT r.forge, r.owner, r.name, r.language, i.number, i.title, k.priority
       FROM ${source} k JOIN issues i ON i.id = k.issue_id JOIN repositories r ON r.id = i.repository_id
      WHERE i.state = 'open' AND (i.retry_after IS NULL OR i.retry_after <= now()) AND ${inRepos}
      ORDER BY k.priority DESC, k.issue_id LIMIT ${p.num(limit)}::bigint`,
    p.values,
  );
  return res.rows;
}
