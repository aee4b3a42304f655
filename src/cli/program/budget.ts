import type { Command } from 'commander';

export function registerBudget(program: Command): void {
  const budget = program.command('budget').description('token and issue budgets');
  budget
    .command('show')
    .description('tokens used, held and left and dollars spent this week: overall, per repository and per language (with issue counts)')
    .option('--json', 'one JSON document')
    .action(async (opts: { json?: boolean }) => (await import('../commands/budget.js')).budgetShowAction(opts));
}
