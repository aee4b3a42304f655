import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID, ensureSchedules } from '../../src/campaign/schedules.js';
import { testTemporalAddress } from '../helpers/temporal.js';

let connection: Connection;
let client: Client;
before(async () => {
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
  // The schedule IDs are global on the suite's server: another file's `up` may have made them with a token.
  for (const id of [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID]) await client.schedule.getHandle(id).delete().catch(() => undefined);
});
after(async () => {
  for (const id of [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID]) await client.schedule.getHandle(id).delete().catch(() => undefined);
  await connection.close();
});

test('the scheduled runs carry summaries the Web UI shows, kept when the schedules are updated', async () => {
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await ensureSchedules(client, { taskQueuePrefix: 'summaries', githubToken: false }), [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID]);
    const discovery = await client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).describe();
    assert.equal(discovery.action.type, 'startWorkflow');
    if (discovery.action.type !== 'startWorkflow') return;
    assert.match(discovery.action.staticSummary ?? '', /^daily discovery: GitHub libraries with at least 1000 stars/);
    assert.match(discovery.action.staticDetails ?? '', /calls no model/);
    assert.equal(discovery.state.paused, true, 'paused without a GitHub token');
    const rerank = await client.schedule.getHandle(REPRIORITIZE_SCHEDULE_ID).describe();
    assert.equal(rerank.action.type === 'startWorkflow' ? rerank.action.staticSummary : undefined, 're-rank every open issue in PostgreSQL');
  }
  // A run the schedule starts carries the summary itself.
  const handle = client.schedule.getHandle(REPRIORITIZE_SCHEDULE_ID);
  await handle.trigger();
  let started: string | undefined;
  for (let i = 0; i < 100 && !started; i++) {
    started = (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
    if (!started) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(started, 'the trigger started a run');
  const run = client.workflow.getHandle(started);
  try {
    assert.equal(await (await run.describe()).staticSummary(), 're-rank every open issue in PostgreSQL');
  } finally {
    await run.terminate('test over').catch(() => undefined);
  }
});
