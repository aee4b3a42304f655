import { cliContext } from '../context.js';
import { checkStack } from '../../stack/health.js';
import { taskQueues } from '../../temporal/task-queues.js';
import { printJson, printTable } from '../output.js';
import { clusterExtras } from '../../temporal/profile.js';

export async function statusAction(opts: { json?: boolean }): Promise<void> {
  const { config, endpoints } = cliContext();
  const status = await checkStack(endpoints, { namespace: config.TEMPORAL_NAMESPACE, queues: Object.values(taskQueues(config.GLOBALLM_TASK_QUEUE_PREFIX)), connection: clusterExtras(config), profile: config.temporal.name });
  if (opts.json) printJson({ ...status, temporalProfile: config.temporal.name });
  else {
    printTable(status.checks.map((c) => ({ check: c.name, ok: c.ok ? 'yes' : 'NO', ms: c.latencyMs, detail: c.detail })));
    for (const m of status.metrics) process.stdout.write(`metrics ${m.identity}: ${m.url}\n`);
  }
  process.exitCode = status.healthy ? 0 : 1;
}
