import type { Command } from 'commander';
import type { UpFlags } from '../commands/up.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start PostgreSQL, the Temporal dev server and Web UI, migrations, schedules and workers, then the example campaign; stays up until Ctrl-C')
    .option('--headless', 'no Temporal Web UI')
    .option('--no-example', 'do not run the example campaign on the local forge')
    .option('--demo', 'run the example campaign with a scripted model (the LLM stand-in, labelled as such everywhere) so it reaches validated PRs without credentials; refused when a model is configured')
    .action(async (opts: UpFlags) => (await import('../commands/up.js')).upAction(opts));
}
