/**
 * Outcome tracking: what happened to a PR we opened (merged, closed by a maintainer, review
 * comments, ignored), recorded once each in `outcomes`. A PR closed by a maintainer bars its issue
 * for good (declined_issues); our open PR whose issue was closed meanwhile is withdrawn
 * (./withdraw.ts), and an earlier PR of ours that it replaced and that is still open (its close
 * failed) is closed (./supersede.ts). The ranking's `outcomes` term reads them (db/outcomes.ts).
 */
import type { Pool } from 'pg';
import { UsageError } from '../errors.js';
import type { ForgeWriter } from '../forge/writer.js';
import { recordDeclined } from '../db/declined-issues.js';
import { outcomesFor, recordOutcome, updatePrRow, type OutcomeKind, type PrRow } from '../db/pull-requests.js';
import { supersededComment, withdrawPullRequest } from './withdraw.js';
import { closeSuperseded } from './supersede.js';

export interface FollowUpOptions {
  /** An open PR with no word from anyone else after this many days counts as ignored. */
  ignoredAfterDays: number;
  now?: Date;
}

export interface FollowUpOutcomes {
  state: PrRow['state'];
  recorded: { kind: OutcomeKind; detail: Record<string, unknown> }[];
}

const EXCERPT = 500;

export async function followUp(pool: Pool, forge: ForgeWriter, row: PrRow, opts: FollowUpOptions): Promise<FollowUpOutcomes> {
  if (row.number === null) throw new UsageError(`pull request row ${row.id} has no forge number (state ${row.state})`);
  const now = opts.now ?? new Date();
  const pr = await forge.pullRequestState({ owner: row.owner, name: row.name }, row.number);
  const past = await outcomesFor(pool, row.id);
  const has = (k: OutcomeKind): boolean => past.some((o) => o.kind === k);
  const seenComments = new Set(past.filter((o) => o.kind === 'review_comment').map((o) => `${String(o.detail['author'])}@${String(o.detail['createdAt'])}`));
  const us = (row.head_owner ?? '').toLowerCase();
  const recorded: FollowUpOutcomes['recorded'] = [];
  const add = async (kind: OutcomeKind, detail: Record<string, unknown>): Promise<void> => {
    await recordOutcome(pool, row.id, kind, detail);
    recorded.push({ kind, detail });
  };
  const others = pr.comments.filter((c) => (c.author ?? '').toLowerCase() !== us);
  for (const c of others) {
    if (seenComments.has(`${String(c.author)}@${c.createdAt}`)) continue;
    await add('review_comment', { author: c.author, association: c.association, createdAt: c.createdAt, excerpt: c.body.slice(0, EXCERPT) });
  }
  if (pr.state === 'MERGED' && !has('merged')) await add('merged', { mergedAt: pr.mergedAt });
  if (pr.state === 'CLOSED' && !has('closed') && !has('withdrawn')) {
    // Not closed by us: a maintainer said no. The issue is never taken up again.
    await add('closed', { closedAt: pr.closedAt, comments: others.length });
    await recordDeclined(pool, { forge: row.forge, repo: { owner: row.owner, name: row.name }, issueNumber: row.issue_number, prNumber: row.number, prUrl: row.url, closedAt: pr.closedAt });
  }
  const ageDays = (now.getTime() - row.created_at.getTime()) / 86_400_000;
  if (pr.state === 'OPEN' && others.length === 0 && ageDays >= opts.ignoredAfterDays && !has('ignored')) await add('ignored', { days: Math.floor(ageDays) });
  if (pr.state === 'OPEN') await closeSuperseded(pool, forge, { ...row, number: row.number });
  if (pr.state === 'OPEN' && await supersede(pool, forge, row)) return { state: 'closed', recorded: [...recorded, { kind: 'withdrawn', detail: { by: 'superseded' } }] };
  const state: PrRow['state'] = pr.state === 'MERGED' ? 'merged' : pr.state === 'CLOSED' ? 'closed' : pr.isDraft ? 'draft' : 'open';
  await updatePrRow(pool, row.id, { state, followed_up_at: now });
  return { state, recorded };
}

/** Closes our open PR, saying why, once its issue is closed (by another PR or otherwise). */
async function supersede(pool: Pool, forge: ForgeWriter, row: PrRow): Promise<boolean> {
  const closure = await forge.issueClosure({ owner: row.owner, name: row.name }, row.issue_number);
  // Closed by our own PR, merged since its state was read: the next check records the merge.
  if (closure.open || (row.number !== null && closure.mergedPulls.includes(row.number))) return false;
  await withdrawPullRequest(pool, forge, row, { by: 'superseded', comment: supersededComment(row.issue_number, closure) });
  return true;
}
