import type { Command } from 'commander';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('prepare existing services (DATABASE_URL, TEMPORAL_ADDRESS) for workers and campaigns: migrations, search attributes, retention, schedules; safe to run again')
    .action(async () => (await import('../commands/setup.js')).setupAction());
}
