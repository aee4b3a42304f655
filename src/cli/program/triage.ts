import type { Command } from 'commander';
import { DEFAULT_MEMORY_BUDGET_TOKENS } from '../../budget/memory-budget.js';
import type { TriageFlags } from '../commands/triage.js';

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description('Analyze issues given as JSON lines (title, body, optional labels, repo, number): category, criticality, complexity, solvability.')
    .option('--input <file>', 'JSON-lines file of issues, or - for stdin')
    .option('--analyzer <name>', 'offline or llm', 'offline')
    .option('--json', 'one JSON object per input line', false)
    .option('--budget <tokens>', `token cap for the llm analyzer in this run (default ${DEFAULT_MEMORY_BUDGET_TOKENS})`)
    .action(async (flags: TriageFlags) => (await import('../commands/triage.js')).triageAction(flags));
}
