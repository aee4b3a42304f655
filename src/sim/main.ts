/**
 * `npm run sim`: starts the GitHub and LLM stand-ins with the seeded world, prints one
 * `name=url` line per service, and stays up until SIGINT/SIGTERM.
 */
import { logger } from '../log.js';
import { startGitHubStandIn } from './github/server.js';
import { startLlmStandIn } from './llm/server.js';

const log = logger.child({ component: 'sim' });

async function main(): Promise<void> {
  const github = await startGitHubStandIn({});
  const llm = await startLlmStandIn();
  process.stdout.write(`github=${github.url}\nllm=${llm.url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping stand-ins');
    Promise.all([github.close(), llm.close()]).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stand-in shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log.error({ err }, 'sim failed to start');
  process.exit(1);
});
