/**
 * `pr_open_slots`: the PR caps, made atomic with opening a PR. Under a transaction-scoped advisory
 * lock per owner, a PR about to be opened counts the owner's open PRs and the PRs being opened and
 * takes a slot; the slot is freed once its PR is on record or its attempt ends. No lock is held
 * across a forge call.
 */
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './tx.js';

/** A slot older than this belongs to an attempt that died (open_pr's own timeout is 10 minutes). */
export const SLOT_LAPSES_AFTER_MINUTES = 15;

export interface SlotKey { forge: string; owner: string; name: string; issueNumber: number }

export interface SlotRequest extends SlotKey {
  caps: { repo: number; owner: number };
  /** What the forge itself counts of our open PRs (it also sees PRs this database never recorded). */
  forgeCounts: { inRepo: number; forOwner: number };
}

export type SlotDecision =
  | { taken: true }
  | { taken: false; reason: 'repo_pr_cap' | 'owner_pr_cap'; detail: string };

interface Counts { in_repo: number; for_owner: number }

const key = (k: SlotKey): unknown[] => [k.forge, k.owner.toLowerCase(), k.name.toLowerCase(), k.issueNumber];

/** Our recorded open PRs of the owner, other than this issue's. */
const OPEN_SQL = `SELECT count(*) FILTER (WHERE lower(name) = $3)::int AS in_repo, count(*)::int AS for_owner FROM pull_requests
  WHERE forge = $1 AND lower(owner) = $2 AND number IS NOT NULL AND state IN ('draft', 'open') AND NOT (lower(name) = $3 AND issue_number = $4)`;

/** Slots of other issues whose PR is being opened (not lapsed, and not yet on record as open). */
const OPENING_SQL = `SELECT count(*) FILTER (WHERE s.name = $3)::int AS in_repo, count(*)::int AS for_owner FROM pr_open_slots s
  WHERE s.forge = $1 AND s.owner = $2 AND NOT (s.name = $3 AND s.issue_number = $4)
    AND s.taken_at > now() - make_interval(mins => ${SLOT_LAPSES_AFTER_MINUTES})
    AND NOT EXISTS (SELECT 1 FROM pull_requests p WHERE p.forge = s.forge AND lower(p.owner) = s.owner AND lower(p.name) = s.name
      AND p.issue_number = s.issue_number AND p.number IS NOT NULL AND p.state IN ('draft', 'open'))`;

/**
 * Open PRs as the larger of the forge's and our record's count (each may miss some the other
 * sees), plus the PRs being opened; the first cap reached refuses.
 */
export function capDecision(req: SlotRequest, recorded: Counts, opening: Counts): SlotDecision {
  const inRepo = Math.max(req.forgeCounts.inRepo, recorded.in_repo) + opening.in_repo;
  const forOwner = Math.max(req.forgeCounts.forOwner, recorded.for_owner) + opening.for_owner;
  if (inRepo >= req.caps.repo) return { taken: false, reason: 'repo_pr_cap', detail: `${inRepo} open PRs, cap ${req.caps.repo}` };
  if (forOwner >= req.caps.owner) return { taken: false, reason: 'owner_pr_cap', detail: `${forOwner} open PRs for ${req.owner}, cap ${req.caps.owner}` };
  return { taken: true };
}

async function decideLocked(db: PoolClient, req: SlotRequest): Promise<SlotDecision> {
  const args = key(req);
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pr_open_slots'), hashtext($1 || ':' || $2))`, [args[0], args[1]]);
  const recorded = (await db.query<Counts>(OPEN_SQL, args)).rows[0] ?? { in_repo: 0, for_owner: 0 };
  const opening = (await db.query<Counts>(OPENING_SQL, args)).rows[0] ?? { in_repo: 0, for_owner: 0 };
  const decision = capDecision(req, recorded, opening);
  if (decision.taken) {
    await db.query(`INSERT INTO pr_open_slots (forge, owner, name, issue_number) VALUES ($1, $2, $3, $4)
      ON CONFLICT (forge, owner, name, issue_number) DO UPDATE SET taken_at = now()`, args);
  }
  return decision;
}

/** Takes a slot for this issue's PR when the caps allow one more: one short transaction. */
export function takePrSlot(pool: Pool, req: SlotRequest): Promise<SlotDecision> {
  return inTransaction(pool, (db) => decideLocked(db, req));
}

/** Frees this issue's slot: its PR is on record (and counts as open there), or its attempt ended. */
export async function releasePrSlot(pool: Pool, k: SlotKey): Promise<void> {
  await pool.query('DELETE FROM pr_open_slots WHERE forge = $1 AND owner = $2 AND name = $3 AND issue_number = $4', key(k));
}

/** Whether this issue's PR is being opened now (its slot taken and not lapsed). */
export async function slotHeld(pool: Pool, k: SlotKey): Promise<boolean> {
  const r = await pool.query(`SELECT 1 FROM pr_open_slots WHERE forge = $1 AND owner = $2 AND name = $3 AND issue_number = $4
    AND taken_at > now() - make_interval(mins => ${SLOT_LAPSES_AFTER_MINUTES})`, key(k));
  return (r.rowCount ?? 0) > 0;
}
