/**
 * The `local_pull_requests` table: the local forge's own pull requests, each a branch of a local
 * repository offered for merging, numbered per repository. What the contribute pipeline records
 * of our PR is in pull_requests, as for any forge.
 */
import type { Pool } from 'pg';

export type LocalPullState = 'draft' | 'open' | 'merged' | 'closed';

export interface LocalPullRow {
  id: string;
  number: number;
  state: LocalPullState;
  branch: string;
  url: string;
  head_oid: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface LocalRepo { owner: string; name: string }

const COLUMNS = 'id, number, state, branch, url, head_oid, created_at, updated_at';

/** The latest pull request of a branch. */
export async function findLocalPullByBranch(pool: Pool, repo: LocalRepo, branch: string): Promise<LocalPullRow | null> {
  const r = await pool.query<LocalPullRow>(`SELECT ${COLUMNS} FROM local_pull_requests WHERE owner = $1 AND name = $2 AND branch = $3 ORDER BY id DESC LIMIT 1`, [repo.owner, repo.name, branch]);
  return r.rows[0] ?? null;
}

export async function findLocalPull(pool: Pool, repo: LocalRepo, number: number): Promise<LocalPullRow | null> {
  const r = await pool.query<LocalPullRow>(`SELECT ${COLUMNS} FROM local_pull_requests WHERE owner = $1 AND name = $2 AND number = $3`, [repo.owner, repo.name, number]);
  return r.rows[0] ?? null;
}

export interface NewLocalPull {
  repo: LocalRepo;
  issueNumber: number;
  branch: string;
  state: 'draft' | 'open';
  title: string;
  body: string;
  headOid: string;
}

/**
 * Opens a pull request of the issue under the repository's next number. An issue may have several
 * (a branch each; an earlier one closed keeps its record). Two opened at once in one repository
 * cannot take the same number: the second fails on the unique number and is tried again.
 */
export async function openLocalPull(pool: Pool, p: NewLocalPull): Promise<LocalPullRow | null> {
  const r = await pool.query<LocalPullRow>(
    `WITH n AS (SELECT coalesce(max(number), 0) + 1 AS next FROM local_pull_requests WHERE owner = $1 AND name = $2)
     INSERT INTO local_pull_requests (owner, name, issue_number, number, branch, url, state, title, body, head_oid)
     SELECT $1, $2, $3, n.next, $4, 'local:' || $2 || '#' || n.next, $5, $6, $7, $8 FROM n
     RETURNING ${COLUMNS}`,
    [p.repo.owner, p.repo.name, p.issueNumber, p.branch, p.state, p.title, p.body, p.headOid],
  );
  return r.rows[0] ?? null;
}

/** Sets title and body where given; `closed` closes it, `open` reopens a closed one. Whether it exists. */
export async function updateLocalPull(pool: Pool, repo: LocalRepo, number: number, u: { title: string | null; body: string | null; state: 'open' | 'closed' | null }): Promise<boolean> {
  const r = await pool.query(
    `UPDATE local_pull_requests SET title = coalesce($4, title), body = coalesce($5, body),
       state = CASE WHEN $6::text = 'closed' THEN 'closed' WHEN $6::text = 'open' AND state = 'closed' THEN 'open' ELSE state END, updated_at = now()
     WHERE owner = $1 AND name = $2 AND number = $3`,
    [repo.owner, repo.name, number, u.title, u.body, u.state],
  );
  return (r.rowCount ?? 0) > 0;
}

/** A draft (or open) pull request becomes open; whether there was one. */
export async function markLocalPullOpen(pool: Pool, repo: LocalRepo, number: number): Promise<boolean> {
  const r = await pool.query("UPDATE local_pull_requests SET state = 'open', updated_at = now() WHERE owner = $1 AND name = $2 AND number = $3 AND state IN ('draft', 'open')", [repo.owner, repo.name, number]);
  return (r.rowCount ?? 0) > 0;
}

export async function setLocalPullState(pool: Pool, id: string, state: 'merged' | 'closed'): Promise<LocalPullRow | null> {
  const u = await pool.query<LocalPullRow>(`UPDATE local_pull_requests SET state = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, state]);
  return u.rows[0] ?? null;
}

/** Draft and open pull requests of an owner, or of one of its repositories. */
export async function countOpenLocalPulls(pool: Pool, scope: { owner: string; name?: string }): Promise<number> {
  const r = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM local_pull_requests WHERE owner = $1 AND ($2::text IS NULL OR name = $2) AND state IN ('draft', 'open')",
    [scope.owner, scope.name ?? null],
  );
  return r.rows[0]?.n ?? 0;
}
