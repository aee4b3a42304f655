import type { Command } from 'commander';
import type { IssuesListFlags } from '../commands/issues.js';

export function registerIssues(program: Command): void {
  const issues = program.command('issues').description('the ranked open issues');
  issues
    .command('list')
    .description('open issues by priority, highest first')
    .option('--repo <owner/name>', 'only this repository')
    .option('--limit <n>', 'how many (1–1000)', '20')
    .option('--explain', 'show every term of each priority')
    .option('--json', 'one JSON document')
    .action(async (opts: IssuesListFlags) => (await import('../commands/issues.js')).issuesListAction(opts));
  issues
    .command('rerank')
    .description('recompute every open issue\'s priority and swap in the new ranking')
    .option('--json', 'one JSON document')
    .action(async (opts: { json?: boolean }) => (await import('../commands/issues.js')).issuesRerankAction(opts));
}
