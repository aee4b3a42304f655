import type { Command } from 'commander';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run workers against existing services (DATABASE_URL, TEMPORAL_ADDRESS); scale by starting more')
    .action(async () => (await import('../commands/worker.js')).workerAction());
}
