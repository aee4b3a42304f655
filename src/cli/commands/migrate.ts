import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { migrateUp } from '../../db/migrate.js';

export async function migrateAction(): Promise<void> {
  const { endpoints } = cliContext();
  const pool = await openPool(endpoints.databaseUrl, { max: 1 });
  await pool.end();
  const applied = await migrateUp(endpoints.databaseUrl);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
}
