/** The `doctor_checks` table: rows the self-check writes and reads back. */
import type { Pool } from 'pg';

/** Writes a check row; its id. */
export async function insertDoctorCheck(pool: Pool, token: string, worker: string): Promise<string | undefined> {
  const ins = await pool.query<{ id: string }>('INSERT INTO doctor_checks (token, worker) VALUES ($1, $2) RETURNING id', [token, worker]);
  return ins.rows[0]?.id;
}

/** The token of a check row, read back. */
export async function doctorCheckToken(pool: Pool, id: string | undefined): Promise<string | undefined> {
  const read = await pool.query<{ token: string }>('SELECT token FROM doctor_checks WHERE id = $1', [id]);
  return read.rows[0]?.token;
}
