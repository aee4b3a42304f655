import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { renderHealthApi } from '../../scripts/health-api.js';
import { ServiceUnavailable } from '../../src/errors.js';
import { openHealthClient } from '../../src/temporal/health-client.js';
import { connectTestTemporal, testTemporalAddress, type TestTemporal } from '../helpers/temporal.js';

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
const unreachable = (address: string) => (err: unknown): boolean =>
  err instanceof ServiceUnavailable && err.message.includes(`Temporal at ${address} is not reachable`);

test('the committed health API is what @temporalio/proto gives today', () => {
  const committed = readFileSync(new URL('../../src/temporal/health-api.ts', import.meta.url), 'utf8');
  assert.equal(committed, renderHealthApi(), 'run `node --import tsx scripts/health-api.ts`');
});

describe('the health client against a real Temporal server', () => {
  let t: TestTemporal;
  let sdk: Connection;
  before(async () => {
    t = await connectTestTemporal();
    sdk = await Connection.connect({ address: testTemporalAddress() });
  });
  after(async () => {
    await sdk.close();
    await t.close();
  });

  test('the server version, as the SDK reads it', async () => {
    const client = await openHealthClient(testTemporalAddress(), 5_000);
    try {
      const info = await sdk.workflowService.getSystemInfo({});
      assert.ok(client.serverVersion.length > 0);
      assert.equal(client.serverVersion, info.serverVersion);
    } finally {
      client.close();
    }
  });

  test('the pollers of each kind, as the SDK reads them; none on an idle queue', async () => {
    const client = await openHealthClient(testTemporalAddress(), 5_000);
    try {
      const sdkPollers = async (type: number): Promise<string[]> => {
        const d = await sdk.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: t.taskQueue }, taskQueueType: type });
        return (d.pollers ?? []).flatMap((p) => (p.identity ? [p.identity] : [])).sort();
      };
      const seen = await t.withWorker({}, async () => {
        // A worker's pollers show once it has polled. This one has no activities, so it polls workflow tasks alone.
        for (let i = 0; i < 100; i++) {
          const [wf, act] = await Promise.all([client.pollers('default', t.taskQueue, 'workflow'), client.pollers('default', t.taskQueue, 'activity')]);
          if (wf.length > 0) return { wf: wf.sort(), act: act.sort(), sdkWf: await sdkPollers(TASK_QUEUE_TYPE_WORKFLOW), sdkAct: await sdkPollers(TASK_QUEUE_TYPE_ACTIVITY) };
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the worker never showed as a poller');
      });
      assert.ok(seen.wf.includes(`test-worker:${process.pid}`));
      assert.deepEqual(seen.wf, seen.sdkWf);
      assert.deepEqual(seen.act, seen.sdkAct);
      assert.deepEqual(await client.pollers('default', `idle-${t.taskQueue}`, 'workflow'), []);
    } finally {
      client.close();
    }
  });

  test('a namespace that does not exist: the call fails, naming it', async () => {
    const client = await openHealthClient(testTemporalAddress(), 5_000);
    try {
      await assert.rejects(client.pollers('no-such-namespace', t.taskQueue, 'workflow'), /no-such-namespace/);
    } finally {
      client.close();
    }
  });
});

describe('bad input: a ServiceUnavailable naming the address, never a hang', () => {
  test('nothing listening', async () => {
    await assert.rejects(openHealthClient('127.0.0.1:1', 2_000), unreachable('127.0.0.1:1'));
  });

  test('TLS asked of a server that speaks plain gRPC', async () => {
    await assert.rejects(openHealthClient(testTemporalAddress(), 2_000, { tls: true }), unreachable(testTemporalAddress()));
  });

  test('an API key implies TLS, as in the SDK', async () => {
    await assert.rejects(openHealthClient(testTemporalAddress(), 2_000, { apiKey: 'k' }), unreachable(testTemporalAddress()));
  });

  test('an API key and an Authorization header at once', async () => {
    await assert.rejects(openHealthClient(testTemporalAddress(), 2_000, { apiKey: 'k', metadata: { Authorization: 'Bearer x' } }), /only one makes sense/);
  });

  test('a URL instead of host:port', async () => {
    await assert.rejects(openHealthClient('http://127.0.0.1:7233', 2_000), /Invalid address/);
  });
});
