import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';
import { insertIssue, insertRepository } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { claimIssue } from '../helpers/claims.js';
import { enqueueSignal, pauseSignal, repoStatusQuery, repoWorkflowId, resumeSignal, type RepoStatus } from '../../src/workflows/shared.js';
import type { repoWorkflow } from '../../src/workflows/repo.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

const run = promisify(execFile);
let db: TestDatabase;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

before(async () => {
  db = await createTestDatabase();
  workers = await startTestWorkers(db.pool);
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
});
after(async () => {
  await workers.shutdown();
  await connection.close();
  await db.drop();
});

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch { /* not there yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe('claims by workflow ID', () => {
  test('a second start of a running issue reports the run that holds the claim', async () => {
    const owner = 'claims';
    const input = { forge: 'local' as const, owner, repo: 'running', number: 1, taskQueuePrefix: 'no-worker-here', dryRun: true };
    const first = await claimIssue(client, input);
    const second = await claimIssue(client, input);
    assert.equal(first.claimed, true);
    assert.equal(second.claimed, false);
    assert.equal(second.workflowId, 'issue/claims/running/1');
    assert.equal(!second.claimed && second.existingRunId, first.claimed && first.runId);
    await client.workflow.getHandle(first.workflowId).terminate('test over');
  });

  test('a closed issue workflow may be started again (PostgreSQL says when an issue is due); the reason is recorded', async () => {
    const repoId = await insertRepository(db.pool, { owner: 'acme', name: 'finished' });
    await insertIssue(db.pool, repoId, { number: 7, title: 'Assigned elsewhere', state: 'skipped', skipReason: 'assigned to a person' });
    const done = { forge: 'local' as const, owner: 'acme', repo: 'finished', number: 7, taskQueuePrefix: workers.prefix, dryRun: true };
    const claim = await claimIssue(client, done);
    assert.equal(claim.claimed, true);
    const result = await client.workflow.getHandle(claim.workflowId).result() as { outcome: string };
    assert.equal(result.outcome, 'skipped');
    const row = await db.pool.query<{ result: string }>(`SELECT result FROM issue_runs WHERE workflow_id = 'issue/acme/finished/7'`);
    assert.equal(row.rows[0]?.result, 'skipped', 'finished work is recorded in PostgreSQL');
    const cooling = await db.pool.query<{ due: boolean; reason: string }>(`SELECT retry_after <= now() AS due, skip_reason AS reason FROM issues WHERE number = 7`);
    assert.deepEqual(cooling.rows[0], { due: false, reason: 'assigned to a person' }, 'a skipped issue cools down before a campaign selects it again');
    const rerun = await claimIssue(client, done);
    assert.equal(rerun.claimed, true, 'a completed run does not hold the claim');
    await client.workflow.getHandle(rerun.workflowId).result();

    // Not in the database: the analyze stage fails for good (final), the workflow fails, the claim is free again.
    const missing = { ...done, number: 404 };
    const failed = await claimIssue(client, missing);
    await assert.rejects(client.workflow.getHandle(failed.workflowId).result(), WorkflowFailedError);
    const failedRun = await db.pool.query<{ final: string; reason: string }>(`SELECT detail->>'final' AS final, detail->>'reason' AS reason FROM issue_runs WHERE workflow_id = 'issue/acme/finished/404'`);
    assert.equal(failedRun.rows[0]?.final, 'true', 'an issue missing from the database is a final failure');
    assert.match(failedRun.rows[0]?.reason ?? '', /not in the database/);
    const again = await claimIssue(client, missing);
    assert.equal(again.claimed, true, 'a failed claim can be taken again');
    await assert.rejects(client.workflow.getHandle(again.workflowId).result(), WorkflowFailedError);
  });
});

describe('the repository workflow', () => {
  test('pause holds new issues, resume releases them, status tells both', async () => {
    const repoId = await insertRepository(db.pool, { owner: 'acme', name: 'widgets' });
    for (const n of [1, 2]) await insertIssue(db.pool, repoId, { number: n, title: `issue ${n}`, state: 'skipped', skipReason: 'has an open linked PR' });
    const handle = await client.workflow.start<typeof repoWorkflow>('repoWorkflow', {
      workflowId: repoWorkflowId({ owner: 'acme', repo: 'widgets' }), taskQueue: taskQueue(workers.prefix, 'core'),
      args: [{ forge: 'local', owner: 'acme', repo: 'widgets', taskQueuePrefix: workers.prefix }],
    });
    await handle.signal(pauseSignal, { reason: 'maintainer asked for a break' });
    await handle.signal(enqueueSignal, { forge: 'local', issues: [{ number: 1, priority: 1, dryRun: true }, { number: 2, priority: 2, dryRun: true }] });
    const paused = await eventually(() => handle.query(repoStatusQuery), (s) => s.queued.length === 2, 'queued issues');
    assert.equal(paused.paused, true);
    assert.equal(paused.pauseReason, 'maintainer asked for a break');
    assert.deepEqual(paused.queued, [2, 1], 'highest priority first');
    assert.deepEqual(paused.running, []);
    await assert.rejects(client.workflow.getHandle('issue/acme/widgets/2').describe(), 'no issue started while paused');

    await handle.signal(resumeSignal, { reason: 'back' });
    const done = await eventually(() => handle.query(repoStatusQuery), (s: RepoStatus) => s.finished.length === 2, 'both issues finished');
    assert.equal(done.paused, false);
    assert.deepEqual(done.finished.map((f) => [f.number, f.outcome]), [[2, 'skipped'], [1, 'skipped']]);
    await handle.terminate('test over');
  });

  test('the temporal CLI and globallm both pause it; a repository without a workflow gets a clear message', async () => {
    const handle = await client.workflow.start<typeof repoWorkflow>('repoWorkflow', {
      workflowId: repoWorkflowId({ owner: 'acme', repo: 'cli' }), taskQueue: taskQueue(workers.prefix, 'core'),
      args: [{ forge: 'local', owner: 'acme', repo: 'cli', taskQueuePrefix: workers.prefix }],
    });
    const temporal = process.env['GLOBALLM_TEST_TEMPORAL_CLI'] as string;
    await run(temporal, ['workflow', 'signal', '--address', testTemporalAddress(), '--workflow-id', 'repo/acme/cli', '--name', 'pause', '--input', '{"reason":"from the temporal CLI"}']);
    const s1 = await eventually(() => handle.query(repoStatusQuery), (s) => s.paused, 'paused by the temporal CLI');
    assert.equal(s1.pauseReason, 'from the temporal CLI');

    const env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: db.url, GLOBALLM_TASK_QUEUE_PREFIX: workers.prefix };
    const resumed = await runCli(['repo', 'resume', 'acme/cli', '--reason', 'ok'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    await eventually(() => handle.query(repoStatusQuery), (s) => !s.paused, 'resumed by globallm');
    const paused = await runCli(['repo', 'pause', 'acme/cli', '--reason', 'release freeze'], env);
    assert.equal(paused.code, 0, paused.stderr);
    const status = await runCli(['repo', 'status', 'acme/cli', '--json'], env);
    assert.equal((JSON.parse(status.stdout) as RepoStatus).pauseReason, 'release freeze');

    // Pausing a repository with no workflow starts one paused, but only for a repository discovery recorded.
    const missing = await runCli(['repo', 'pause', 'nobody/nothing'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nobody\/nothing is not a repository discovery has recorded/);
    const notRunning = await runCli(['repo', 'resume', 'nobody/nothing'], env);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.stderr, /no workflow repo\/nobody\/nothing is running/);
    const malformed = await runCli(['repo', 'pause', 'not a repo'], env);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /expected owner\/repo/);
    await handle.terminate('test over');
  });

  test('it continues as new before its history grows large and keeps its queue', async () => {
    const handle = await client.workflow.start<typeof repoWorkflow>('repoWorkflow', {
      workflowId: repoWorkflowId({ owner: 'acme', repo: 'long-lived' }), taskQueue: taskQueue(workers.prefix, 'core'),
      args: [{ forge: 'local', owner: 'acme', repo: 'long-lived', taskQueuePrefix: workers.prefix, historyLimit: 40 }],
    });
    await handle.signal(pauseSignal, { reason: 'hold the queue' });
    for (let n = 1; n <= 30; n++) await handle.signal(enqueueSignal, { forge: 'local', issues: [{ number: n, priority: n, dryRun: true }] });
    const status = await eventually(() => client.workflow.getHandle(handle.workflowId).query(repoStatusQuery), (s) => s.queued.length === 30, 'all 30 queued');
    assert.equal(status.paused, true, 'pause survives continue-as-new');
    const latest = await client.workflow.getHandle(handle.workflowId).describe();
    assert.notEqual(latest.runId, handle.firstExecutionRunId, 'a new run took over');
    await client.workflow.getHandle(handle.workflowId).terminate('test over');
  });
});
