/** The `pull_requests` table (our PR for an issue, one per issue and forge) and each PR's `outcomes`. */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';

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
}

export async function findPrRow(pool: Pool, forge: string, repo: RepoRef, issueNumber: number): Promise<PrRow | null> {
  const r = await pool.query<PrRow>('SELECT * FROM pull_requests WHERE forge = $1 AND lower(owner) = lower($2) AND lower(name) = lower($3) AND issue_number = $4', [forge, repo.owner, repo.name, issueNumber]);
  return r.rows[0] ?? null;
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

/** Inserts or refreshes the row for one issue (one PR per issue and forge). */
export async function upsertPrRow(pool: Pool, v: PrRowInput): Promise<PrRow> {
  const r = await pool.query<PrRow>(
    `INSERT INTO pull_requests (forge, owner, name, issue_number, issue_id, branch, state, title, body, patch, category, idempotency_key, evidence, tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (forge, owner, name, issue_number) DO UPDATE SET
       branch = EXCLUDED.branch, state = EXCLUDED.state, title = EXCLUDED.title, body = EXCLUDED.body, patch = EXCLUDED.patch,
       category = coalesce(EXCLUDED.category, pull_requests.category), idempotency_key = EXCLUDED.idempotency_key,
       evidence = EXCLUDED.evidence, tokens = EXCLUDED.tokens, last_error = NULL, updated_at = now()
     RETURNING *`,
    [v.forge, v.repo.owner, v.repo.name, v.issueNumber, v.issueId ?? null, v.branch, v.state, v.title, v.body, v.patch, v.category ?? null, v.idempotencyKey, JSON.stringify(v.evidence ?? {}), JSON.stringify(v.tokens ?? {})],
  );
  const row = r.rows[0];
  if (!row) throw new Error('pull_requests upsert returned no row');
  return row;
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
