import type { Command } from 'commander';
import type { StartFlags } from '../commands/campaign.js';

/** Which repositories a campaign (or a scheduled one) discovers and works on: one definition of these flags. */
export function withDiscoveryFlags(cmd: Command): Command {
  return cmd
    .option('--forge <forge>', 'github, or local (the git repositories under GLOBALLM_LOCAL_ROOT)')
    .option('--domain <domain>', 'ai_ml, web_dev, data_science, cloud_devops, mobile, security, games, overall')
    .option('--language <language>', 'programming language filter')
    .option('--min-stars <n>', 'minimum stars (github)')
    .option('--min-health <0-1>', 'reject repositories under this health')
    .option('--max-repos <n>', 'repositories at most');
}

export function registerCampaign(program: Command): void {
  const campaign = program.command('campaign').description('start, watch and cancel campaigns');
  withDiscoveryFlags(campaign.command('start')
    .description('discover → analyze → prioritize → fan out to repository workflows')
    .option('--id <id>', 'campaign id (default: generated)'))
    .option('--max-issues <n>', 'issues at most')
    .option('--token-budget <n>', 'model tokens this campaign may spend')
    .option('--usd-budget <dollars>', 'US dollars this campaign may spend on model calls (priced by the price table)')
    .option('--analyzer <kind>', 'offline, llm or auto')
    .option('--dry-run', 'everything except forge writes; PR bodies and patches saved for review')
    .option('--in-flight <n>', 'issues worked at once, one per repository (default 16); the rest wait in the campaign, best first')
    .option('--wait', 'wait until every selected issue reached a decision (PR opened, skipped, no fix, failed, already claimed); follow-ups go on')
    .option('--json', 'one JSON document')
    .action(async (flags: StartFlags) => (await import('../commands/campaign.js')).campaignStartAction(flags));
  campaign.command('status <id>')
    .description('progress of a campaign')
    .option('--json', 'one JSON document')
    .action(async (id: string, opts: { json?: boolean }) => (await import('../commands/campaign.js')).campaignStatusAction(id, opts));
  campaign.command('cancel <id>')
    .description('cancel a campaign (running activities are cancelled through their heartbeats)')
    .action(async (id: string) => (await import('../commands/campaign.js')).campaignCancelAction(id));
}
