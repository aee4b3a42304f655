import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('run a self-check workflow whose activity writes and reads a row in PostgreSQL; report each hop with its latency')
    .option('--json', 'one JSON document')
    .option('--timeout <seconds>', 'give up after this many seconds', '30')
    .action(async (opts: { json?: boolean; timeout: string }) => (await import('../commands/doctor.js')).doctorAction(opts));
}
