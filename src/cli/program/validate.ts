import type { Command } from 'commander';
import type { ValidateFlags } from '../commands/validate.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('run a repository\'s tests in the sandbox before and after a patch and give a verdict')
    .requiredOption('--repo <path>', 'a local git checkout (left untouched; copies are used)')
    .requiredOption('--patch <file>', 'a unified diff')
    .option('--test-cmd <cmd>', 'test command, split into words without a shell (default: detected)')
    .option('--timeout <seconds>', 'wall-clock limit for each test run', '600')
    .option('--json', 'one JSON document')
    .action(async (opts: ValidateFlags) => (await import('../commands/validate.js')).validateAction(opts));
}
