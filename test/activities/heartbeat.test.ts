import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import { createOrchestrationActivities } from '../../src/activities/orchestration.js';
import { stageOptions, WORKER_DEATHS } from '../../src/workflows/stage-options.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';

let db: TestDatabase;
let connection: Connection;
before(async () => {
  db = await createTestDatabase();
  connection = await Connection.connect({ address: testTemporalAddress() });
});
after(async () => {
  await connection.close();
  await db.drop();
});

// A worker SIGKILLed in the middle of a stage is noticed only through that stage's heartbeat
// timeout (else at its start-to-close timeout: 2 minutes for consent). The chaos benchmark found
// consent and the records without one, and open_pr at 30 s, past its 30 s recovery target.
test('every stage of an issue is noticed within 20 s when its worker dies', () => {
  const opts = stageOptions('p', 'github');
  for (const stage of ['analyze', 'consent', 'generate', 'validate', 'openPr', 'record'] as const) {
    const timeout = (opts[stage] as { heartbeatTimeout?: string }).heartbeatTimeout;
    const seconds = Number(/^(\d+)s$/.exec(timeout ?? '')?.[1]);
    assert.ok(seconds > 0 && seconds <= 20, `${stage}: ${String(timeout)}`);
  }
});

// The chaos benchmark on GitHub failed 9 of 50 issues at validate (then 2 attempts) and generate
// (3): workers killed mid-stage and a PostgreSQL restart used up every attempt.
test('every stage of an issue outlives several worker deaths in a row', () => {
  assert.ok(WORKER_DEATHS >= 4);
  const opts = stageOptions('p', 'github');
  for (const stage of ['analyze', 'consent', 'generate', 'validate', 'openPr', 'record'] as const) {
    const attempts = opts[stage].retry.maximumAttempts ?? 0;
    assert.ok(attempts > WORKER_DEATHS, `${stage}: ${attempts} attempts`);
  }
});

test('recording an issue run heartbeats while PostgreSQL keeps it waiting', async () => {
  const acts = createOrchestrationActivities({ pool: db.pool, client: new Client({ connection }), taskQueuePrefix: 'p', retryAfterHours: 1 });
  const input = { workflowId: 'issue/o/r/1', runId: 'run-1', ref: { forge: 'local' as const, owner: 'o', repo: 'r', number: 1 }, result: 'no_fix' as const, detail: { reason: 'first' } };
  await acts.recordIssueRun(input); // outside an activity: no heartbeats, still recorded
  const locker = await db.pool.connect();
  const env = new MockActivityEnvironment();
  let beats = 0;
  env.on('heartbeat', () => { beats += 1; });
  try {
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM issue_runs WHERE workflow_id = $1 FOR UPDATE`, [input.workflowId]);
    const recording = env.run(acts.recordIssueRun, { ...input, runId: 'run-2', detail: { reason: 'second' } });
    // Held until the activity has heartbeated past its first beat, i.e. while blocked.
    for (let waited = 0; beats < 2 && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    await locker.query('COMMIT');
    await recording;
  } finally {
    locker.release();
  }
  const row = await db.pool.query<{ run_id: string }>(`SELECT run_id FROM issue_runs WHERE workflow_id = $1`, [input.workflowId]);
  assert.equal(row.rows[0]?.run_id, 'run-2');
  assert.ok(beats >= 2, `heartbeats while blocked: ${beats}`);
});
