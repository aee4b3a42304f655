// `npm run bench -- sdk-floor [--workflows N] [--tasks N]`: what the Temporal SDK itself costs in
// worker CPU per task on this machine, whatever the task does. A worker process of its own (the
// SDK with default options) runs a workflow that only asks for tasks of one kind, `--tasks` in a
// row, `--workflows` times, eight at once; its CPU comes from /proc and the client runs in this
// process, so none of the client's CPU counts. Figures, in CPU ms:
//   sdk_workflow_cpu_ms        a workflow that starts and completes (one workflow task)
//   sdk_workflow_task_cpu_ms   each further workflow task (a timer that fires)
//   sdk_activity_cpu_ms        each activity, with the workflow task its result wakes
//   sdk_local_activity_cpu_ms  each local activity
// Multiplied by the Temporal tasks per issue that `npm run bench -- campaign` prints, they are
// the least orchestration CPU per issue that pipeline can take with this SDK on this machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { startDevServer } from '../src/stack/temporal-server.js';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { parseBenchFlags } from './flags.js';
import { stat, TICKS_PER_S } from './scale/cpu.js';
import { FLOOR_QUEUE, type TaskKind } from './sdk-floor/kinds.js';

const Args = z.object({
  workflows: z.coerce.number().int().min(8).max(10_000).default(100),
  tasks: z.coerce.number().int().min(1).max(100).default(12),
});

async function startFloorWorker(address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench', 'sdk-floor', 'worker.ts')], {
    cwd: projectRoot, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], TEMPORAL_ADDRESS: address }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => { if (c.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the floor worker exited with ${String(code)} before it was ready`)));
  });
  return child;
}

const ticksOf = (pid: number): number => stat(pid)?.self ?? 0;

/** The worker's CPU ms for `workflows` runs of `tasks` tasks of `kind`, eight at once, less what it uses idle over the same time. */
async function cpuMsFor(client: Client, pid: number, idleMsPerS: number, workflows: number, tasks: number, kind: TaskKind): Promise<number> {
  const t0 = performance.now();
  const before = ticksOf(pid);
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < workflows) {
      const i = next++;
      await client.workflow.execute('floorSteps', { taskQueue: FLOOR_QUEUE, workflowId: `floor/${kind}/${tasks}/${i}/${Date.now()}`, args: [tasks, kind] });
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return ((ticksOf(pid) - before) * 1000) / TICKS_PER_S - idleMsPerS * seconds;
}

async function idleCpuMsPerS(pid: number, seconds = 3): Promise<number> {
  const before = ticksOf(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((ticksOf(pid) - before) * 1000) / TICKS_PER_S / seconds;
}

export default async function sdkFloor(argv: string[]): Promise<void> {
  const args = parseBenchFlags(argv, ['workflows', 'tasks'], Args, 'npm run bench -- sdk-floor [--workflows N] [--tasks N]');
  if (!args) return;
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-sdk-floor-'));
  const server = await startDevServer({
    binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }),
    port: await freePort(), uiPort: 0, headless: true, namespace: 'default', dbFile: join(dir, 'temporal.db'),
  });
  const connection = await Connection.connect({ address: server.address });
  let worker: ChildProcess | undefined;
  try {
    worker = await startFloorWorker(server.address);
    const pid = worker.pid ?? 0;
    const client = new Client({ connection });
    const { workflows, tasks } = args;
    // Warm up every path (bundle, V8 code, connections) before anything is counted.
    for (const kind of ['activity', 'local', 'timer'] as const) await cpuMsFor(client, pid, 0, 8, 2, kind);
    const idle = await idleCpuMsPerS(pid);
    const bare = (await cpuMsFor(client, pid, idle, workflows, 0, 'timer')) / workflows;
    const per = async (kind: TaskKind): Promise<number> => ((await cpuMsFor(client, pid, idle, workflows, tasks, kind)) / workflows - bare) / tasks;
    const lines = [
      `workflows=${workflows}`, `tasks_per_workflow=${tasks}`, `worker_idle_cpu_ms_per_s=${idle.toFixed(1)}`,
      `sdk_workflow_cpu_ms=${bare.toFixed(1)}`,
      `sdk_workflow_task_cpu_ms=${(await per('timer')).toFixed(2)}`,
      `sdk_activity_cpu_ms=${(await per('activity')).toFixed(2)}`,
      `sdk_local_activity_cpu_ms=${(await per('local')).toFixed(2)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    worker?.kill('SIGTERM');
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
