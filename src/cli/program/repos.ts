import type { Command } from 'commander';
import { REPO_STATUSES } from '../choices.js';
import type { ReposListFlags } from '../commands/repos.js';

export function registerRepos(program: Command): void {
  const repos = program.command('repos').description('stored repositories with their scores, breakdowns and filter verdicts');
  repos
    .command('list')
    .description('list stored repositories, most impactful first')
    .option('--status <status>', REPO_STATUSES.join(', '))
    .option('--forge <forge>', 'github or local')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--json', 'one JSON document')
    .action(async (flags: ReposListFlags) => (await import('../commands/repos.js')).reposListAction(flags));
  repos
    .command('show <repo>')
    .description('one repository: health terms, impact terms and every filter verdict')
    .option('--forge <forge>', 'github or local', 'github')
    .option('--json', 'one JSON document')
    .action(async (repo: string, flags: { forge: string; json?: boolean }) => (await import('../commands/repos.js')).reposShowAction(repo, flags));
}
