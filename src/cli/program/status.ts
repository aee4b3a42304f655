import type { Command } from 'commander';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('check Temporal, PostgreSQL, the Web UI, pollers on each task queue and the migration version (exit 0 only when all are healthy); lists each polling worker\'s metrics URL')
    .option('--json', 'one JSON document')
    .action(async (opts: { json?: boolean }) => (await import('../commands/status.js')).statusAction(opts));
}
