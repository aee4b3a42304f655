/**
 * A newer fix of ours replaces our open PR for the same issue: it goes on a branch of its own
 * (named after the fix, so every attempt at the same fix finds the same branch), is opened as a
 * new PR, and the old PR is then closed with a comment that links the new one. The replacement is
 * recorded before anything is written to the forge (the old row names the new one), so an attempt
 * that dies half-way is finished by the next attempt or by the issue's follow-up: in the end the
 * new PR alone is open.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { isRetryable } from '../errors.js';
import type { ForgeWriter } from '../forge/writer.js';
import { logger } from '../log.js';
import { openSupersededRows, recordOutcome, updatePrRow, type PrRow } from '../db/pull-requests.js';
import { supersededByComment, withdrawPullRequest } from './withdraw.js';

const log = logger.child({ component: 'supersede' });

/** The branch of a fix that replaces our open PR: the issue's branch with the fix's own mark. */
export function supersedingBranch(issueBranch: string, patch: string): string {
  return `${issueBranch}-${createHash('sha256').update(patch).digest('hex').slice(0, 10)}`;
}

/** What closing the PRs a newer one replaced came to. */
export interface SupersedeClosing {
  closed: number[];
  /** Still open: the close failed (recorded on the old row as `last_error`, tried again at the next attempt or follow-up check). */
  failed: { number: number; message: string }[];
}

/** The old PR as its forge shows it now, when it is no longer open (merged or closed meanwhile): recorded, not closed again. */
async function recordGone(pool: Pool, forge: ForgeWriter, old: PrRow & { number: number }): Promise<boolean> {
  const pr = await forge.pullRequestState({ owner: old.owner, name: old.name }, old.number);
  if (pr.state === 'OPEN') return false;
  await recordOutcome(pool, old.id, pr.state === 'MERGED' ? 'merged' : 'closed', pr.state === 'MERGED' ? { mergedAt: pr.mergedAt } : { closedAt: pr.closedAt, replaced: true });
  await updatePrRow(pool, old.id, { state: pr.state === 'MERGED' ? 'merged' : 'closed' });
  return true;
}

async function closeOne(pool: Pool, forge: ForgeWriter, old: PrRow & { number: number }, newer: PrRow & { number: number }): Promise<void> {
  if (await recordGone(pool, forge, old)) return;
  const to = { number: newer.number, url: newer.url };
  await withdrawPullRequest(pool, forge, old, { by: 'superseded', comment: supersededByComment(old.issue_number, to), supersededBy: to });
  if (old.last_error) await updatePrRow(pool, old.id, { last_error: null });
}

/**
 * Closes the PRs of `newer`'s issue that a newer fix replaced and that are still open. A failure is recorded on the old row and
 * logged as an error, never thrown: the new PR stands, and the close is owed until it succeeds.
 */
export async function closeSuperseded(pool: Pool, forge: ForgeWriter, newer: PrRow & { number: number }): Promise<SupersedeClosing> {
  const result: SupersedeClosing = { closed: [], failed: [] };
  for (const old of await openSupersededRows(pool, newer.id)) {
    try {
      await closeOne(pool, forge, old, newer);
      result.closed.push(old.number);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      log.error({ err, repo: { owner: old.owner, name: old.name }, number: old.number, newer: newer.number }, 'our superseded pull request could not be closed');
      await updatePrRow(pool, old.id, { last_error: { stage: 'supersede', message, retryable: isRetryable(err) } });
      result.failed.push({ number: old.number, message });
    }
  }
  return result;
}

/** What a run says of the PRs its PR replaced. */
export function describeClosing(c: SupersedeClosing, newer: number): string | undefined {
  const parts: string[] = [];
  if (c.closed.length > 0) parts.push(`opened #${newer} with a newer fix and closed ${c.closed.map((n) => `#${n}`).join(', ')} in its favour`);
  for (const f of c.failed) parts.push(`#${f.number} (replaced by #${newer}) is still open: closing it failed (${f.message}); it is tried again at the next follow-up check`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
