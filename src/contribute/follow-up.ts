/**
 * Outcome tracking: what happened to a PR we opened (merged, closed, review comments, ignored),
 * recorded once each in `outcomes`, and merge rates per repository and per category computed from
 * them (the ranking's `outcomes` term reads the same PR fates).
 */
import type { Pool } from 'pg';
import { PR_FATES_SQL } from '../prioritize/outcome-sql.js';
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

export interface MergeRate {
  key: string;
  opened: number;
  merged: number;
  closed: number;
  ignored: number;
  /** merged / opened. */
  rate: number;
  /** (merged + 1) / (merged + closed + ignored + 2): a smoothed rate that small samples cannot push to 0 or 1. */
  smoothed: number;
}

/** Merge rates per repository (`owner/name`) and per issue category, from PRs we opened and their outcomes. */
export async function mergeRates(pool: Pool, forge?: string): Promise<{ byRepository: MergeRate[]; byCategory: MergeRate[] }> {
  const q = (keyExpr: string): string => `
    SELECT ${keyExpr} AS key, count(*)::int AS opened, count(*) FILTER (WHERE merged)::int AS merged,
      count(*) FILTER (WHERE closed AND NOT merged)::int AS closed,
      count(*) FILTER (WHERE ignored AND NOT merged AND NOT closed)::int AS ignored
    FROM (${PR_FATES_SQL}) f WHERE ($1::text IS NULL OR f.forge = $1) GROUP BY key ORDER BY key`;
  const toRate = (r: { key: string; opened: number; merged: number; closed: number; ignored: number }): MergeRate => ({
    ...r, rate: r.opened === 0 ? 0 : r.merged / r.opened, smoothed: (r.merged + 1) / (r.merged + r.closed + r.ignored + 2),
  });
  type Row = { key: string; opened: number; merged: number; closed: number; ignored: number };
  const [byRepo, byCat] = await Promise.all([
    pool.query<Row>(q(`f.owner || '/' || f.name`), [forge ?? null]),
    pool.query<Row>(q(`coalesce(f.category, 'unknown')`), [forge ?? null]),
  ]);
  return { byRepository: byRepo.rows.map(toRate), byCategory: byCat.rows.map(toRate) };
}
