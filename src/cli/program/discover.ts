import type { Command } from 'commander';
import type { DiscoverFlags } from '../commands/discover.js';

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('search a forge for libraries in a domain, filter them (reasons recorded), score health and impact, and store them')
    .requiredOption('--domain <domain>', 'ai_ml, web_dev, data_science, cloud_devops, mobile, security, games or overall')
    .option('--language <language>', 'a programming language (GitHub linguist name)')
    .option('--min-stars <n>', 'minimum stars (default 100)')
    .option('--pushed-within <days>', 'pushed within this many days (default 365)')
    .option('--max <n>', 'repositories to analyze at most (default 100)')
    .option('--min-health <0-1>', 'also reject repositories under this health')
    .option('--forge <forge>', 'github or local', 'github')
    .option('--root <dir>', 'local forge: the directory holding the git repositories')
    .option('--json', 'one JSON document')
    .action(async (flags: DiscoverFlags) => (await import('../commands/discover.js')).discoverAction(flags));
}
