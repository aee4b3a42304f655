import type { Command } from 'commander';
import type { ReportFlags } from '../commands/report.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('a self-contained HTML report (works offline): funnel, ranked issues, budget burn in tokens and dollars, PR outcomes, stage durations, failures, runs linked to the Web UI')
    .option('--campaign <id>', 'only this campaign')
    .option('--out <dir>', 'folder for index.html (default: <state>/report)')
    .action(async (opts: ReportFlags) => (await import('../commands/report.js')).reportAction(opts));
}
