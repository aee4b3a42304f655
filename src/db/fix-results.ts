/**
 * The `fix_results` table: a generated fix (its candidates and, once validated, the judged result
 * and the chosen candidate's files), kept in PostgreSQL so workflows pass only its id.
 */
import type { Pool } from 'pg';

export interface FixResultRow<F> {
  /** The fix result as stored (the caller validates it). */
  result: unknown;
  files: F[];
  forge: string;
  owner: string;
  name: string;
}

export async function findFixResult<F>(pool: Pool, id: string): Promise<FixResultRow<F> | undefined> {
  const res = await pool.query<FixResultRow<F>>('SELECT result, files, forge, owner, name FROM fix_results WHERE id = $1', [id]);
  return res.rows[0];
}

export interface NewFixResult {
  id: string;
  ref: { forge: string; owner: string; repo: string; number: number };
  status: string;
  result: unknown;
}

/** Stores a generated fix, with no files yet. */
export async function insertFixResult(pool: Pool, f: NewFixResult): Promise<void> {
  await pool.query(
    'INSERT INTO fix_results (id, forge, owner, name, issue_number, status, result, files) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [f.id, f.ref.forge, f.ref.owner, f.ref.repo, f.ref.number, f.status, JSON.stringify(f.result), JSON.stringify([])],
  );
}

/** Stores the validated result and the chosen candidate's files. */
export async function updateFixResult(pool: Pool, id: string, status: string, result: unknown, files: unknown[]): Promise<void> {
  await pool.query('UPDATE fix_results SET status = $2, result = $3, files = $4 WHERE id = $1', [id, status, JSON.stringify(result), JSON.stringify(files)]);
}
