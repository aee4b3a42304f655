import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db/tx.js';
import { upsertIntakeIssue } from '../db/issues.js';
import { approvedRepositoriesAfter, markRepositoryGone, setIssuesWatermark } from '../db/repositories.js';
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

/** Inserts or refreshes one issue; work in progress (claimed, done, failed) keeps its state. */
async function upsertIssue(db: PoolClient, repositoryId: string, issue: ForgeIssue, now: Date): Promise<'open' | 'skipped' | 'closed'> {
  const reason = issue.state === 'closed' ? null : skipReason(issue, now);
  const state = issue.state === 'closed' ? 'closed' : reason === null ? 'open' : 'skipped';
  await upsertIntakeIssue(db, repositoryId, {
    number: issue.number, title: issue.title.slice(0, 1000), body: issue.body.slice(0, 200_000), labels: issue.labels, authorAssociation: issue.authorAssociation,
    comments: issue.commentCount, reactions: issue.reactions, createdAt: issue.createdAt, updatedAt: issue.updatedAt, state, skipReason: reason,
  });
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
  const approved = await approvedRepositoriesAfter(deps.pool, deps.forge.kind, opts.from?.cursor ?? 0);
  const only = opts.only ? new Set(opts.only.map((k) => k.toLowerCase())) : null;
  const repos = approved.filter((r) => only === null || only.has(`${r.owner}/${r.name}`.toLowerCase()));
  const summary: IntakeSummary = { repositories: 0, issues: 0, open: 0, skipped: 0, closed: 0, gone: 0 };
  let done = opts.from?.done ?? 0;
  const total = done + repos.length;
  for (let start = 0; start < repos.length; start += batchSize) {
    const batch = repos.slice(start, start + batchSize);
    const requests: IssueRequest[] = batch.map((r) => ({ ref: { owner: r.owner, name: r.name }, since: r.watermark ?? undefined }));
    const results = await deps.forge.openIssuesBatch(requests);
    // One transaction a batch, not retried (the summary counts as it goes).
    await inTransaction(deps.pool, async (db) => {
      for (const repo of batch) {
        const result = results.get(refKey(repo));
        if (!result) continue;
        if (result.kind === 'gone') {
          await markRepositoryGone(db, repo.id, JSON.stringify({ filter: 'gone', reason: `${result.reason}: ${result.message}` }));
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
        await setIssuesWatermark(db, repo.id, mark, opts.now.toISOString());
        summary.repositories += 1;
      }
    }, 1);
    done += batch.length;
    await opts.onProgress?.({ cursor: Number(batch.at(-1)?.id ?? 0), done, total });
  }
  log.info({ forge: deps.forge.kind, ...summary }, 'intake finished');
  return summary;
}
