import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { openPool } from '../../db/pool.js';
import { migrateUp } from '../../db/migrate.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (safe to run from several processes at once)')
    .action(async () => {
      const { endpoints } = cliContext();
      const pool = await openPool(endpoints.databaseUrl, { max: 1 });
      await pool.end();
      const applied = await migrateUp(endpoints.databaseUrl);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    });
}
