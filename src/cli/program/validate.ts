import type { Command } from 'commander';
import type { ValidateFlags } from '../commands/validate.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('prepare a repository\'s environment, run its tests in the sandbox before and after a patch, and give a verdict')
    .requiredOption('--repo <path>', 'a local git checkout at the base commit (left untouched; copies are used)')
    .requiredOption('--patch <file>', 'a unified diff: the fix (with or without its tests)')
    .option('--test-patch <file>', 'test changes applied on both sides (the fix is judged by them)')
    .option('--test-cmd <cmd>', 'test command, split into words without a shell (default: detected from the base)')
    .option('--timeout <seconds>', 'wall-clock limit for each test run', '600')
    .option('--json', 'one JSON document')
    .action(async (opts: ValidateFlags) => (await import('../commands/validate.js')).validateAction(opts));
}
