import type { Command } from 'commander';
import type { AnalyzeFlags } from '../commands/score.js';

export function registerAnalyze(program: Command): void {
  program
    .command('analyze [repo]')
    .description('analyze one repository (owner/repo on GitHub, or --forge local --repo PATH): health, impact, filter verdicts')
    .option('--forge <forge>', 'github or local', 'github')
    .option('--repo <path>', 'local forge: the git repository to analyze')
    .option('--json', 'one JSON document')
    .action(async (target: string | undefined, flags: AnalyzeFlags) => (await import('../commands/score.js')).analyzeAction(target, flags));
}
