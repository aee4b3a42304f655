// The workflow the SDK floor is measured with: it does nothing but ask the SDK for tasks.
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { FloorActivities, TaskKind } from './kinds.js';

const remote = proxyActivities<FloorActivities>({ startToCloseTimeout: '10s' });
const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });

/** `n` tasks of one kind, one after another: activities, local activities, or 1 ms timers (a workflow task each and nothing else). */
export async function floorSteps(n: number, kind: TaskKind): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (kind === 'activity') sum += await remote.echo(i);
    else if (kind === 'local') sum += await local.echo(i);
    else await sleep(1);
  }
  return sum;
}
