import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { checkStack } from '../../stack/health.js';
import { taskQueues } from '../../temporal/task-queues.js';
import { printJson, printTable } from '../output.js';
import { clusterExtras } from '../../temporal/connect.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('check Temporal, PostgreSQL, the Web UI, pollers on each task queue and the migration version (exit 0 only when all are healthy); lists each polling worker\'s metrics URL')
    .option('--json', 'one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const { config, endpoints } = cliContext();
      const status = await checkStack(endpoints, { namespace: config.TEMPORAL_NAMESPACE, queues: Object.values(taskQueues(config.GLOBALLM_TASK_QUEUE_PREFIX)), connection: clusterExtras(config), profile: config.temporal.name });
      if (opts.json) printJson({ ...status, temporalProfile: config.temporal.name });
      else {
        printTable(status.checks.map((c) => ({ check: c.name, ok: c.ok ? 'yes' : 'NO', ms: c.latencyMs, detail: c.detail })));
        for (const m of status.metrics) process.stdout.write(`metrics ${m.identity}: ${m.url}\n`);
      }
      process.exitCode = status.healthy ? 0 : 1;
    });
}
