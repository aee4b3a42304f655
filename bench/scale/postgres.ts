// Rows and bytes the project's tables hold (exact counts; sizes with indexes and TOAST).
import type pg from 'pg';

export interface TableFigures { rows: number; bytes: number; byTable: Array<{ table: string; rows: number; bytes: number }> }

export async function tableFigures(pool: pg.Pool): Promise<TableFigures> {
  const tables = await pool.query<{ name: string; bytes: string }>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(relname) AS name, pg_total_relation_size(relid)::text AS bytes
       FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC`,
  );
  const byTable: TableFigures['byTable'] = [];
  for (const t of tables.rows) {
    const count = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t.name}`);
    byTable.push({ table: t.name, rows: Number(count.rows[0]?.n ?? 0), bytes: Number(t.bytes) });
  }
  return { rows: byTable.reduce((s, t) => s + t.rows, 0), bytes: byTable.reduce((s, t) => s + t.bytes, 0), byTable };
}
