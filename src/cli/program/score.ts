import type { Command } from 'commander';
import type { ScoreFlags } from '../commands/score.js';

export function registerScore(program: Command): void {
  program
    .command('score [repo]')
    .description('score one repository (owner/repo on GitHub, or --forge local --repo PATH): health, impact, filter verdicts')
    .option('--forge <forge>', 'github or local', 'github')
    .option('--repo <path>', 'local forge: the git repository to score')
    .option('--json', 'one JSON document')
    .action(async (target: string | undefined, flags: ScoreFlags) => (await import('../commands/score.js')).scoreAction(target, flags));
}
