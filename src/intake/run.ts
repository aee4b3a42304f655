import type { Pool, PoolClient } from 'pg';
import { refKey, type ForgeIssue, type ForgeReader, type IssueRequest } from '../forge/types.js';
import { logger } from '../log.js';
import { skipReason } from './skip.js';

const log = logger.child({ component: 'intake' });

/** Repositories per intake batch (one forge query for them all). */
export const INTAKE_BATCH = 10;

export interface IntakeCheckpoint {
  /** The highest repositories.id fully taken in; resume after it. */
  cursor: number;
  done: number;
}

export interface IntakeOptions {
  now: Date;
  /** Only these repositories (owner/name keys); default every approved one of the forge. */
  only?: readonly string[];
  from?: IntakeCheckpoint;
  batchSize?: number;
  onProgress?: (p: IntakeCheckpoint & { total: number }) => void | Promise<void>;
}

export interface IntakeSummary {
  repositories: number;
  issues: number;
  open: number;
  skipped: number;
  closed: number;
  gone: number;
}

interface RepoRow {
  id: string;
  owner: string;
  name: string;
  watermark: string | null;
}

/** Inserts or refreshes one issue; work in progress (claimed, done, failed) keeps its state. */
async function upsertIssue(db: PoolClient, repositoryId: string, issue: ForgeIssue, now: Date): Promise<'open' | 'skipped' | 'closed'> {
  const reason = issue.state === 'closed' ? null : skipReason(issue, now);
  const state = issue.state === 'closed' ? 'closed' : reason === null ? 'open' : 'skipped';
  await db.query(
    `INSERT INTO issues (repository_id, number, title, body, labels, author_association, comments, reactions, created_at, updated_at, state, skip_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (repository_id, number) DO UPDATE SET
       title = EXCLUDED.title, body = EXCLUDED.body, labels = EXCLUDED.labels, author_association = EXCLUDED.author_association,
       comments = EXCLUDED.comments, reactions = EXCLUDED.reactions, updated_at = EXCLUDED.updated_at,
       state = CASE WHEN issues.state IN ('claimed', 'done', 'failed') THEN issues.state ELSE EXCLUDED.state END,
       skip_reason = CASE WHEN issues.state IN ('claimed', 'done', 'failed') THEN issues.skip_reason ELSE EXCLUDED.skip_reason END,
       retry_after = CASE WHEN issues.updated_at IS DISTINCT FROM EXCLUDED.updated_at THEN NULL ELSE issues.retry_after END`,
    [repositoryId, issue.number, issue.title.slice(0, 1000), issue.body.slice(0, 200_000), issue.labels, issue.authorAssociation,
      issue.commentCount, issue.reactions, issue.createdAt, issue.updatedAt, state, reason],
  );
  return state;
}

function laterOf(a: string | null, b: string): string {
  return a === null || Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Issue intake for approved repositories: batched reads, each issue kept ('open') or skipped
 * with its reason; incremental after the first run — only issues updated since the
 * repository's watermark (metadata.issuesWatermark, the latest updatedAt seen) are read, and
 * those closed since are marked closed.
 */
export async function runIntake(deps: { pool: Pool; forge: ForgeReader }, opts: IntakeOptions): Promise<IntakeSummary> {
  const batchSize = opts.batchSize ?? INTAKE_BATCH;
  const res = await deps.pool.query<RepoRow>(
    `SELECT id, owner, name, metadata->>'issuesWatermark' AS watermark FROM repositories
     WHERE forge = $1 AND status = 'approved' AND id > $2 ORDER BY id`,
    [deps.forge.kind, opts.from?.cursor ?? 0],
  );
  const only = opts.only ? new Set(opts.only.map((k) => k.toLowerCase())) : null;
  const repos = res.rows.filter((r) => only === null || only.has(`${r.owner}/${r.name}`.toLowerCase()));
  const summary: IntakeSummary = { repositories: 0, issues: 0, open: 0, skipped: 0, closed: 0, gone: 0 };
  let done = opts.from?.done ?? 0;
  const total = done + repos.length;
  for (let start = 0; start < repos.length; start += batchSize) {
    const batch = repos.slice(start, start + batchSize);
    const requests: IssueRequest[] = batch.map((r) => ({ ref: { owner: r.owner, name: r.name }, since: r.watermark ?? undefined }));
    const results = await deps.forge.openIssuesBatch(requests);
    const db = await deps.pool.connect();
    try {
      await db.query('BEGIN');
      for (const repo of batch) {
        const result = results.get(refKey(repo));
        if (!result) continue;
        if (result.kind === 'gone') {
          await db.query(`UPDATE repositories SET status = 'gone', reject_reason = $2 WHERE id = $1`, [repo.id, JSON.stringify({ filter: 'gone', reason: `${result.reason}: ${result.message}` })]);
          summary.gone += 1;
          continue;
        }
        let watermark = repo.watermark;
        for (const issue of result.issues) {
          const state = await upsertIssue(db, repo.id, issue, opts.now);
          summary[state] += 1;
          summary.issues += 1;
          watermark = laterOf(watermark, issue.updatedAt);
        }
        const mark = watermark ?? opts.now.toISOString();
        await db.query(`UPDATE repositories SET metadata = metadata || jsonb_build_object('issuesWatermark', $2::text, 'issuesTakenAt', $3::text) WHERE id = $1`, [repo.id, mark, opts.now.toISOString()]);
        summary.repositories += 1;
      }
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      db.release();
    }
    done += batch.length;
    await opts.onProgress?.({ cursor: Number(batch.at(-1)?.id ?? 0), done, total });
  }
  log.info({ forge: deps.forge.kind, ...summary }, 'intake finished');
  return summary;
}
