/**
 * Outcome tracking: what happened to a PR we opened (merged, closed, review comments, ignored),
 * recorded once each in `outcomes`. The ranking's `outcomes` term reads them (prioritize/outcome-sql.ts).
 */
import type { Pool } from 'pg';
import { UsageError } from '../errors.js';
import type { ForgeWriter } from '../forge/writer.js';
import { outcomesFor, recordOutcome, updatePrRow, type OutcomeKind, type PrRow } from './store.js';

export interface FollowUpOptions {
  /** An open PR with no word from anyone else after this many days counts as ignored. */
  ignoredAfterDays: number;
  now?: Date;
}

export interface FollowUpResult {
  state: PrRow['state'];
  recorded: { kind: OutcomeKind; detail: Record<string, unknown> }[];
}

const EXCERPT = 500;

export async function followUp(pool: Pool, forge: ForgeWriter, row: PrRow, opts: FollowUpOptions): Promise<FollowUpResult> {
  if (row.number === null) throw new UsageError(`pull request row ${row.id} has no forge number (state ${row.state})`);
  const now = opts.now ?? new Date();
  const pr = await forge.pullRequestState({ owner: row.owner, name: row.name }, row.number);
  const past = await outcomesFor(pool, row.id);
  const has = (k: OutcomeKind): boolean => past.some((o) => o.kind === k);
  const seenComments = new Set(past.filter((o) => o.kind === 'review_comment').map((o) => `${String(o.detail['author'])}@${String(o.detail['createdAt'])}`));
  const us = (row.head_owner ?? '').toLowerCase();
  const recorded: FollowUpResult['recorded'] = [];
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
  if (pr.state === 'CLOSED' && !has('closed')) await add('closed', { closedAt: pr.closedAt, comments: others.length });
  const ageDays = (now.getTime() - row.created_at.getTime()) / 86_400_000;
  if (pr.state === 'OPEN' && others.length === 0 && ageDays >= opts.ignoredAfterDays && !has('ignored')) await add('ignored', { days: Math.floor(ageDays) });
  const state: PrRow['state'] = pr.state === 'MERGED' ? 'merged' : pr.state === 'CLOSED' ? 'closed' : pr.isDraft ? 'draft' : 'open';
  await updatePrRow(pool, row.id, { state, followed_up_at: now });
  return { state, recorded };
}

