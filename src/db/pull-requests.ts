/**
 * The `pull_requests` table and each PR's `outcomes`. An issue has one current row per forge (our
 * PR for it, or the attempt at one); a row replaced by a newer fix of ours names the newer row in
 * `superseded_by` and stays as the record of what was opened.
 */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';
import { inTransaction } from './tx.js';

export type PrState = 'preview' | 'pending' | 'draft' | 'open' | 'merged' | 'closed' | 'failed';

export interface PrRow {
  id: string;
  issue_id: string | null;
  forge: string;
  owner: string;
  name: string;
  issue_number: number;
  number: number | null;
  branch: string;
  url: string | null;
  state: PrState;
  title: string | null;
  body: string;
  patch: string | null;
  category: string | null;
  head_owner: string | null;
  head_oid: string | null;
  node_id: string | null;
  idempotency_key: string | null;
  last_error: { stage: string; message: string; retryable: boolean } | null;
  evidence: unknown;
  tokens: unknown;
  created_at: Date;
  updated_at: Date;
  followed_up_at: Date | null;
  labels: string[];
  /** The newer row of ours that replaced this one (its PR withdrawn for the newer fix's). */
  superseded_by: string | null;
}

const ISSUE_ROWS = 'forge = $1 AND lower(owner) = lower($2) AND lower(name) = lower($3) AND issue_number = $4';
const LIVE = "number IS NOT NULL AND state IN ('draft', 'open')";

/** Whether the row is our PR, open on the forge as last recorded. */
export const isLivePr = (row: PrRow): row is PrRow & { number: number } => row.number !== null && (row.state === 'draft' || row.state === 'open');

/** The issue's current row: the newest fix's PR (or attempt at one), never a superseded one. */
export async function findPrRow(pool: Pool, forge: string, repo: RepoRef, issueNumber: number): Promise<PrRow | null> {
  const r = await pool.query<PrRow>(`SELECT * FROM pull_requests WHERE ${ISSUE_ROWS} AND superseded_by IS NULL`, [forge, repo.owner, repo.name, issueNumber]);
  return r.rows[0] ?? null;
}

/**
 * The PR a follow-up of the issue looks at: the current row once it is a PR; while a newer fix's
 * PR is not opened yet, the open PR it is to replace.
 */
export async function findFollowedPrRow(pool: Pool, forge: string, repo: RepoRef, issueNumber: number): Promise<PrRow | null> {
  const r = await pool.query<PrRow>(
    `SELECT * FROM pull_requests WHERE ${ISSUE_ROWS} AND (superseded_by IS NULL OR (${LIVE}))
      ORDER BY (superseded_by IS NULL AND number IS NOT NULL) DESC, (number IS NOT NULL) DESC, id DESC LIMIT 1`,
    [forge, repo.owner, repo.name, issueNumber]);
  return r.rows[0] ?? null;
}

/**
 * The PRs of `rowId`'s issue that a newer fix replaced and that are still open as last recorded:
 * their close is still owed (also when a later fix replaced the one that replaced them).
 */
export async function openSupersededRows(pool: Pool, rowId: string): Promise<(PrRow & { number: number })[]> {
  const r = await pool.query<PrRow & { number: number }>(
    `SELECT o.* FROM pull_requests o JOIN pull_requests n ON n.id = $1
      WHERE o.forge = n.forge AND o.owner = n.owner AND o.name = n.name AND o.issue_number = n.issue_number
        AND o.id <> n.id AND o.superseded_by IS NOT NULL AND o.number IS NOT NULL AND o.state IN ('draft', 'open') ORDER BY o.id`, [rowId]);
  return r.rows;
}

/** Our PRs still open on the forge (as last recorded) and opened since `since`, oldest first. */
export async function openPrRowsSince(pool: Pool, since: Date): Promise<PrRow[]> {
  const r = await pool.query<PrRow>(
    `SELECT * FROM pull_requests WHERE state IN ('draft', 'open') AND number IS NOT NULL AND created_at >= $1 ORDER BY created_at`, [since]);
  return r.rows;
}

export async function findPrRowByKey(pool: Pool, key: string): Promise<PrRow | null> {
  const r = await pool.query<PrRow>('SELECT * FROM pull_requests WHERE idempotency_key = $1', [key]);
  return r.rows[0] ?? null;
}

export interface PrRowInput {
  forge: string;
  repo: RepoRef;
  issueNumber: number;
  issueId?: number | undefined;
  branch: string;
  state: PrState;
  title: string;
  body: string;
  patch: string;
  category?: string | undefined;
  idempotencyKey: string;
  evidence: unknown;
  tokens: unknown;
}

const INSERT_SQL = `INSERT INTO pull_requests (forge, owner, name, issue_number, issue_id, branch, state, title, body, patch, category, idempotency_key, evidence, tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

const insertArgs = (v: PrRowInput): unknown[] => [v.forge, v.repo.owner, v.repo.name, v.issueNumber, v.issueId ?? null, v.branch, v.state, v.title, v.body, v.patch, v.category ?? null, v.idempotencyKey, JSON.stringify(v.evidence ?? {}), JSON.stringify(v.tokens ?? {})];

/** Inserts or refreshes the issue's current row. */
export async function upsertPrRow(pool: Pool, v: PrRowInput): Promise<PrRow> {
  const r = await pool.query<PrRow>(
    `${INSERT_SQL}
     ON CONFLICT (forge, owner, name, issue_number) WHERE superseded_by IS NULL DO UPDATE SET
       branch = EXCLUDED.branch, state = EXCLUDED.state, title = EXCLUDED.title, body = EXCLUDED.body, patch = EXCLUDED.patch,
       category = coalesce(EXCLUDED.category, pull_requests.category), idempotency_key = EXCLUDED.idempotency_key,
       evidence = EXCLUDED.evidence, tokens = EXCLUDED.tokens, last_error = NULL, updated_at = now()
     RETURNING *`,
    insertArgs(v),
  );
  const row = r.rows[0];
  if (!row) throw new Error('pull_requests upsert returned no row');
  return row;
}

/**
 * Makes a new current row for the issue that replaces `old` (still the current row, as read):
 * both written in one transaction, so the issue never has two current rows or none. Null when
 * `old` is no longer current (another attempt replaced it first).
 */
export async function insertSupersedingRow(pool: Pool, oldId: string, v: PrRowInput): Promise<PrRow | null> {
  return inTransaction(pool, async (db) => {
    const id = (await db.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('pull_requests', 'id'))::text AS id`)).rows[0]?.id;
    const linked = await db.query('UPDATE pull_requests SET superseded_by = $2, updated_at = now() WHERE id = $1 AND superseded_by IS NULL', [oldId, id]);
    if (linked.rowCount !== 1) return null;
    const r = await db.query<PrRow>(`INSERT INTO pull_requests (id, forge, owner, name, issue_number, issue_id, branch, state, title, body, patch, category, idempotency_key, evidence, tokens)
      VALUES ($15, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`, [...insertArgs(v), id]);
    return r.rows[0] ?? null;
  });
}

export interface PrRowPatch {
  state?: PrState;
  number?: number;
  url?: string;
  node_id?: string | null;
  head_owner?: string;
  head_oid?: string;
  body?: string;
  title?: string;
  last_error?: PrRow['last_error'];
  followed_up_at?: Date;
  labels?: string[];
}

export async function updatePrRow(pool: Pool, id: string, patch: PrRowPatch): Promise<PrRow> {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${k} = $${i + 2}`);
  const values: unknown[] = entries.map(([k, v]: [string, unknown]) => (k === 'last_error' && v !== null ? JSON.stringify(v) : v));
  const r = await pool.query<PrRow>(`UPDATE pull_requests SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`, [id, ...values]);
  const row = r.rows[0];
  if (!row) throw new Error(`pull_requests row ${id} vanished`);
  return row;
}

/**
 * `closed`: closed by someone else (a maintainer); `withdrawn`: closed by us (superseded, or by
 * the operator's `prs close`); `auto_merge`: what became of our request for auto-merge.
 */
export type OutcomeKind = 'merged' | 'closed' | 'withdrawn' | 'review_comment' | 'ignored' | 'updated' | 'auto_merge';

export async function recordOutcome(pool: Pool, prId: string, kind: OutcomeKind, detail: Record<string, unknown> = {}): Promise<void> {
  await pool.query('INSERT INTO outcomes (pull_request_id, kind, detail) VALUES ($1, $2, $3)', [prId, kind, JSON.stringify(detail)]);
}

export async function outcomesFor(pool: Pool, prId: string): Promise<{ kind: OutcomeKind; detail: Record<string, unknown> }[]> {
  const r = await pool.query<{ kind: OutcomeKind; detail: Record<string, unknown> }>('SELECT kind, detail FROM outcomes WHERE pull_request_id = $1 ORDER BY id', [prId]);
  return r.rows;
}

/** For each row a newer fix of ours replaced: the PR number of the row that replaced it (null while that one has none). */
export async function replacementNumbers(pool: Pool, rows: readonly PrRow[]): Promise<Map<string, number | null>> {
  const ids = [...new Set(rows.flatMap((r) => (r.superseded_by === null ? [] : [r.superseded_by])))];
  if (ids.length === 0) return new Map();
  const r = await pool.query<{ id: string; number: number | null }>('SELECT id, number FROM pull_requests WHERE id = ANY($1::bigint[])', [ids]);
  const numberOf = new Map(r.rows.map((x) => [String(x.id), x.number]));
  return new Map(rows.flatMap((row) => (row.superseded_by === null ? [] : [[row.id, numberOf.get(String(row.superseded_by)) ?? null] as const])));
}

export async function listPrRows(pool: Pool, filter: { state?: PrState; repo?: RepoRef; issueNumber?: number } = {}): Promise<PrRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.state) where.push(`state = $${args.push(filter.state)}`);
  if (filter.repo) {
    where.push(`lower(owner) = lower($${args.push(filter.repo.owner)})`);
    where.push(`lower(name) = lower($${args.push(filter.repo.name)})`);
  }
  if (filter.issueNumber !== undefined) where.push(`issue_number = $${args.push(filter.issueNumber)}`);
  const r = await pool.query<PrRow>(`SELECT * FROM pull_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC`, args);
  return r.rows;
}
