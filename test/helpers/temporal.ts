import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { workflowBundle } from '../../src/workers/bundle.js';
import type { createActivities } from '../../src/activities/index.js';

export function testTemporalAddress(): string {
  const address = process.env['GLOBALLM_TEST_TEMPORAL_ADDRESS'];
  if (!address) throw new Error('GLOBALLM_TEST_TEMPORAL_ADDRESS is not set: run the tests with `npm test`');
  return address;
}

export interface TestTemporal {
  client: Client;
  taskQueue: string;
  /** Runs a real worker on a task queue unique to this test while `fn` runs. */
  withWorker<T>(activities: Partial<ReturnType<typeof createActivities>> & object, fn: () => Promise<T>, taskQueue?: string): Promise<T>;
  close(): Promise<void>;
}

let runtimeReady = false;

export async function connectTestTemporal(): Promise<TestTemporal> {
  if (!runtimeReady) {
    runtimeReady = true;
    const quiet = (): void => {};
    Runtime.install({ logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m) => process.stderr.write(`${m}\n`) }, telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  }
  const address = testTemporalAddress();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  return {
    client,
    taskQueue,
    withWorker: async (activities, fn, queue = taskQueue) => {
      const native = await NativeConnection.connect({ address });
      const worker = await Worker.create({ connection: native, taskQueue: queue, workflowBundle: await workflowBundle(), activities, identity: `test-worker:${process.pid}` });
      try {
        return await worker.runUntil(fn());
      } finally {
        await native.close();
      }
    },
    close: () => connection.close(),
  };
}
