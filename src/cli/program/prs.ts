import type { Command } from 'commander';
import { PR_STATES } from '../choices.js';

export function registerPrs(program: Command): void {
  const prs = program.command('prs').description('pull requests opened (or previewed with --dry-run) by the contribute pipeline');
  prs
    .command('list')
    .description('list pull requests with their state')
    .option('--state <state>', `only this state (${PR_STATES.join(', ')})`)
    .option('--json', 'one JSON document')
    .action(async (opts: { state?: string; json?: boolean }) => (await import('../commands/prs.js')).prsListAction(opts));
  prs
    .command('close <target>')
    .description('close the pull request opened for an issue (owner/repo#n, the issue number); its follow-up records the outcome')
    .option('--forge <forge>', 'github or local (default: the forge of the recorded PR)')
    .action(async (target: string, opts: { forge?: string }) => (await import('../commands/prs.js')).prsCloseAction(target, opts));
  prs
    .command('preview [target]')
    .description('print the body and patch saved for review (owner/repo#n; all previews when omitted)')
    .action(async (target?: string) => (await import('../commands/prs.js')).prsPreviewAction(target));
}
