/**
 * Auto-merge of our own PR, only where the repository's `.globallm.yml` sets `autoMerge: true`
 * and the change is trivial (./trivial.ts). The PR is opened as a draft; once it is open (the
 * validation stage proved it broke nothing) it is marked ready for review and the forge is asked
 * to merge it when its required checks pass. Every decision is recorded once per PR as an
 * `auto_merge` outcome (enabled, merged, not enabled and why) and logged, never silently dropped.
 */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';
import { LOCAL_NO_AUTO_MERGE, type ForgeWriter, type PullSummary } from '../forge/writer.js';
import { logger } from '../log.js';
import { outcomesFor, recordOutcome, updatePrRow, type PrRow } from '../db/pull-requests.js';
import { trivialChange, type ChangedFile } from './trivial.js';

const log = logger.child({ component: 'auto-merge' });

export interface AutoMergeRequest {
  /** The consent file sets `autoMerge: true`. */
  autoMerge: boolean;
  /** The forge lets this repository merge automatically (GitHub: the repository's setting). */
  autoMergeAllowed: boolean;
  files: readonly ChangedFile[];
}

export type AutoMergeOutcome = { state: 'enabled' | 'merged' } | { state: 'not_enabled' | 'refused' | 'failed'; reason: string };

/** Why auto-merge is not even asked for, or null when it may be. */
export function autoMergeBlocker(forge: ForgeWriter['kind'], req: AutoMergeRequest): string | null {
  const trivial = trivialChange(req.files);
  if (!trivial.trivial) return `not a trivial change: ${trivial.reason}`;
  if (!req.autoMergeAllowed) return forge === 'local' ? LOCAL_NO_AUTO_MERGE : 'the repository\'s settings do not allow auto-merge';
  return null;
}

async function attempt(forge: ForgeWriter, repo: RepoRef, pull: PullSummary, req: AutoMergeRequest): Promise<AutoMergeOutcome> {
  const blocker = autoMergeBlocker(forge.kind, req);
  if (blocker) return { state: 'not_enabled', reason: blocker };
  try {
    if (pull.isDraft) await forge.markReadyForReview(repo, pull);
    const r = await forge.enableAutoMerge(repo, pull);
    return r.state === 'refused' ? { state: 'refused', reason: r.reason } : r;
  } catch (err) {
    return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Asks for auto-merge on our open PR when the repository opted in, once per PR (a retried
 * activity finds the recorded outcome). Returns the row as it now stands and what happened.
 */
export async function offerAutoMerge(deps: { pool: Pool; forge: ForgeWriter }, row: PrRow, repo: RepoRef, pull: PullSummary, req: AutoMergeRequest): Promise<{ row: PrRow; outcome: AutoMergeOutcome | null }> {
  if (!req.autoMerge || pull.state !== 'OPEN') return { row, outcome: null };
  if ((await outcomesFor(deps.pool, row.id)).some((o) => o.kind === 'auto_merge')) return { row, outcome: null };
  const outcome = await attempt(deps.forge, repo, pull, req);
  await recordOutcome(deps.pool, row.id, 'auto_merge', { ...outcome });
  const where = { repo, number: pull.number, ...outcome };
  if (outcome.state === 'enabled' || outcome.state === 'merged') log.info(where, 'auto-merge requested');
  else log.warn(where, 'auto-merge not enabled');
  if (outcome.state === 'merged') {
    await recordOutcome(deps.pool, row.id, 'merged', { mergedAt: new Date().toISOString(), via: 'auto_merge' });
    return { row: await updatePrRow(deps.pool, row.id, { state: 'merged' }), outcome };
  }
  if (outcome.state === 'enabled' || (outcome.state === 'refused' && pull.isDraft)) {
    // Marked ready for review before the forge answered: the record says open, not draft.
    return { row: await updatePrRow(deps.pool, row.id, { state: 'open' }), outcome };
  }
  return { row, outcome };
}
