import { join } from 'node:path';
import type { Pool } from 'pg';
import { projectRoot } from '../util/project-root.js';

export const MIGRATIONS_DIR = join(projectRoot, 'migrations');
const MIGRATIONS_TABLE = 'pgmigrations';

/**
 * Applies pending migrations. node-pg-migrate holds a PostgreSQL advisory lock; with
 * `advisoryLockMode: 'wait'` a second process starting at the same time waits, then finds nothing to do.
 */
export async function migrateUp(databaseUrl: string): Promise<string[]> {
  // Loaded here, so `status` (which reads only the applied version) loads neither the runner nor the logger.
  const [{ runner }, { logger }] = await Promise.all([import('node-pg-migrate'), import('../log.js')]);
  const log = logger.child({ component: 'migrate' });
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    advisoryLockMode: 'wait',
    checkOrder: true,
    singleTransaction: true,
    log: (msg: string) => log.debug({ msg }, 'migration'),
  });
  return applied.map((m) => m.name);
}

/** The name of the newest applied migration, or undefined when none ran. */
export async function appliedVersion(pool: Pool): Promise<string | undefined> {
  const exists = await pool.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [MIGRATIONS_TABLE]);
  if (!exists.rows[0]?.t) return undefined;
  const res = await pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on DESC, id DESC LIMIT 1`);
  return res.rows[0]?.name;
}
