import type { Command } from 'commander';
import type { ScheduleFlags } from '../commands/schedule.js';
import { withDiscoveryFlags } from './campaign.js';

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('the schedules GlobaLLM runs');
  withDiscoveryFlags(schedule.command('discovery')
    .description("show the discovery schedule's options, or change the ones given (each run is a campaign: discovery → intake → analysis → re-ranking)"))
    .option('--max-issues <n>', 'issues sent on to be fixed at most (with --fan-out)')
    .option('--token-budget <n>', 'model tokens each run may spend')
    .option('--usd-budget <dollars>', 'US dollars each run may spend on model calls')
    .option('--analyzer <kind>', 'offline, llm or auto')
    .option('--fan-out', 'send the top issues on to their repositories to be fixed')
    .option('--no-fan-out', 'stop after ranking (the default)')
    .option('--dry-run', 'with --fan-out: everything except forge writes')
    .option('--no-dry-run', 'with --fan-out: open pull requests')
    .action(async (flags: ScheduleFlags) => (await import('../commands/schedule.js')).scheduleDiscoveryAction(flags));
}
