/**
 * Closing our own PR: when it is superseded (its issue was closed, by another PR or otherwise, or
 * a newer fix of ours replaced it) or when the operator closes it (`prs close`). It is recorded first as a `withdrawn` outcome, so the
 * follow-up never mistakes our own closing for a maintainer's (which would bar the issue for good).
 */
import type { Pool } from 'pg';
import type { ForgeWriter, IssueClosure } from '../forge/writer.js';
import { logger } from '../log.js';
import { outcomesFor, recordOutcome, updatePrRow, type PrRow } from '../db/pull-requests.js';

const log = logger.child({ component: 'withdraw' });

export interface Withdrawal {
  by: 'superseded' | 'operator';
  /** Posted on the PR before it is closed (the local forge keeps it in the outcome only). */
  comment?: string;
  /** Our newer PR that replaces this one. */
  supersededBy?: { number: number; url: string | null };
}

/** The comment that says why a PR whose issue was closed is closed too. */
export function supersededComment(issueNumber: number, closure: IssueClosure): string {
  const by = closure.mergedPulls.length > 0 ? ` by ${closure.mergedPulls.map((n) => `#${n}`).join(', ')}` : '';
  return `Issue #${issueNumber} was closed${by}, so this pull request is no longer needed. Closing it; thank you for your time.`;
}

/** The comment that links our newer PR from the one it replaces. */
export function supersededByComment(issueNumber: number, newer: { number: number; url: string | null }): string {
  const link = newer.url && /^https?:\/\//.test(newer.url) ? ` (${newer.url})` : '';
  return `Superseded by #${newer.number}${link}: a newer fix for issue #${issueNumber}. Closing this one in its favour; thank you for your time.`;
}

export async function withdrawPullRequest(pool: Pool, forge: ForgeWriter, row: PrRow, w: Withdrawal): Promise<PrRow> {
  if (row.number === null) throw new Error(`pull request row ${row.id} has no forge number`);
  const repo = { owner: row.owner, name: row.name };
  // A retry after the close failed finds the outcome recorded: the comment is not posted twice.
  if (!(await outcomesFor(pool, row.id)).some((o) => o.kind === 'withdrawn')) {
    if (w.comment) await forge.commentOnPullRequest(repo, row.number, w.comment);
    await recordOutcome(pool, row.id, 'withdrawn', { by: w.by, ...(w.comment ? { comment: w.comment } : {}), ...(w.supersededBy ? { supersededBy: w.supersededBy.number } : {}) });
  }
  await forge.updatePullRequest(repo, row.number, { state: 'closed' });
  log.info({ repo, number: row.number, by: w.by }, 'closed our pull request');
  return updatePrRow(pool, row.id, { state: 'closed' });
}
