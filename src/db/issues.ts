/**
 * The `issues` table: each issue intake took in, its state in the pipeline, and its analysis and
 * priority; read joined with its repository.
 */
import type { Pool } from 'pg';
import type { Queryable } from './pool.js';
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

/** An issue the analyzer could not analyze: failed, with why. */
export async function markAnalysisFailed(pool: Pool, issueId: string, reason: string): Promise<void> {
  await pool.query(`UPDATE issues SET state = 'failed', skip_reason = $2 WHERE id = $1`, [issueId, reason]);
}

/** The stored analysis of an issue, when it was analyzed already. */
export async function storedAnalysis(pool: Pool, issueId: string): Promise<{ category: string; critical: boolean; priority: number | null; analyzer: string | null } | undefined> {
  const stored = await pool.query<{ category: string; critical: boolean; priority: number | null; analyzer: string | null }>(
    `SELECT category, critical, priority, analysis->>'analyzer' AS analyzer FROM issues WHERE id = $1 AND analyzed_at IS NOT NULL`, [issueId]);
  return stored.rows[0];
}

/** One issue as intake read it from the forge, with the state and skip reason intake gave it. */
export interface IntakeIssueColumns {
  number: number;
  title: string;
  body: string;
  labels: string[];
  authorAssociation: string | null;
  comments: number;
  reactions: number;
  createdAt: string;
  updatedAt: string;
  state: 'open' | 'skipped' | 'closed';
  skipReason: string | null;
}

/** Inserts or refreshes one issue; work in progress (claimed, done, failed) keeps its state. */
export async function upsertIntakeIssue(db: Queryable, repositoryId: string, i: IntakeIssueColumns): Promise<void> {
  await db.query(
    `INSERT INTO issues (repository_id, number, title, body, labels, author_association, comments, reactions, created_at, updated_at, state, skip_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (repository_id, number) DO UPDATE SET
       title = EXCLUDED.title, body = EXCLUDED.body, labels = EXCLUDED.labels, author_association = EXCLUDED.author_association,
       comments = EXCLUDED.comments, reactions = EXCLUDED.reactions, updated_at = EXCLUDED.updated_at,
       state = CASE WHEN issues.state IN ('claimed', 'done', 'failed') THEN issues.state ELSE EXCLUDED.state END,
       skip_reason = CASE WHEN issues.state IN ('claimed', 'done', 'failed') THEN issues.skip_reason ELSE EXCLUDED.skip_reason END,
       retry_after = CASE WHEN issues.updated_at IS DISTINCT FROM EXCLUDED.updated_at THEN NULL ELSE issues.retry_after END`,
    [repositoryId, i.number, i.title, i.body, i.labels, i.authorAssociation, i.comments, i.reactions, i.createdAt, i.updatedAt, i.state, i.skipReason],
  );
}

export interface IssueAfterRun {
  ref: { forge: string; owner: string; repo: string; number: number };
  state: string;
  /** Set on a failed run (the reason kept otherwise). */
  reason: string | null;
  coolDown: boolean;
  retryAfterHours: number;
}

/** The issue's state after a finished run: a skipped issue stays skipped; a cool-down sets `retry_after`. */
export async function setIssueAfterRun(pool: Pool, a: IssueAfterRun): Promise<void> {
  await pool.query(
    `UPDATE issues i SET state = CASE WHEN i.state = 'skipped' AND $5 = 'open' THEN 'skipped' ELSE $5 END,
        skip_reason = CASE WHEN $5 = 'failed' THEN coalesce($6, i.skip_reason) ELSE i.skip_reason END,
        retry_after = CASE WHEN $7 THEN now() + $8::double precision * interval '1 hour' ELSE NULL END
      FROM repositories r
      WHERE r.id = i.repository_id AND r.forge = $1 AND r.owner = $2 AND r.name = $3 AND i.number = $4`,
    [a.ref.forge, a.ref.owner, a.ref.repo, a.ref.number, a.state, a.reason, a.coolDown, a.retryAfterHours],
  );
}

/** Charges these issues to a campaign. */
export async function setIssuesCampaign(pool: Pool, campaign: string, rows: ReadonlyArray<{ forge: string; owner: string; name: string; number: number }>): Promise<void> {
  await pool.query(
    `UPDATE issues i SET campaign = $1 FROM repositories r, unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS s(forge, owner, name, number)
      WHERE r.id = i.repository_id AND r.forge = s.forge AND r.owner = s.owner AND r.name = s.name AND i.number = s.number`,
    [campaign, rows.map((r) => r.forge), rows.map((r) => r.owner), rows.map((r) => r.name), rows.map((r) => r.number)],
  );
}
