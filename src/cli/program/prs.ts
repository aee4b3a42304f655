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
    .command('preview [target]')
    .description('print the body and patch saved for review (owner/repo#n; all previews when omitted)')
    .action(async (target?: string) => (await import('../commands/prs.js')).prsPreviewAction(target));
}
