import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import type { repoWorkflow } from '../../src/workflows/repo.js';
import { enqueueSignal, repoStatusQuery } from '../../src/workflows/shared.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

let world: ExampleWorld;

before(async () => {
  // slugkit's first model call is slow, so the operator's terminate lands mid-stage.
  world = await startExampleWorld([
    { id: 'slow-slug-files', match: { tool: 'select_files', contains: 'slugify leaves repeated dashes' }, times: 1, respond: { fault: 'slow', delayMs: 20_000, then: { toolUse: { name: 'select_files', input: { files: [{ path: 'src/slug.js', reason: 'named in the issue' }] } } } } },
    ...exampleScript(),
  ]);
});
after(async () => {
  for (const id of ['followup/local/bytefmt/1', 'followup/local/slugkit/1', 'repo/local/slugkit', 'repo/local/bytefmt']) await world.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await world.close();
});

async function until(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an issue workflow terminated by an operator frees its repository slot, the campaign still completes, and the issue may be tried again', async () => {
  // The repository checks its running issues every second (the default is every 5 minutes).
  await world.client.workflow.start<typeof repoWorkflow>('repoWorkflow', {
    workflowId: 'repo/local/slugkit', taskQueue: taskQueue(world.workers.prefix, 'core'),
    args: [{ forge: 'local', owner: 'local', repo: 'slugkit', taskQueuePrefix: world.workers.prefix, reconcileEvery: '1s' }],
  });
  const started = await startCampaign(world.client, { id: 'terminate', forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: world.workers.prefix });
  // Whichever slugkit issue is in its generate stage first (#1's model call is slow) is terminated.
  let n = 0;
  const generating = async (): Promise<boolean> => {
    for (const candidate of [1, 2]) {
      try {
        const d = await world.client.workflow.getHandle(`issue/local/slugkit/${candidate}`).describe();
        if (d.taskQueue === taskQueue(world.workers.prefix, 'core') && (d.raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'generateFix')) { n = candidate; return true; }
      } catch { /* not started yet */ }
    }
    return false;
  };
  await until(generating, 'a slugkit issue in its generate stage', 180_000);
  await world.client.workflow.getHandle(`issue/local/slugkit/${n}`).terminate('operator: wrong approach');

  const progress = await started.result();
  assert.equal(progress.finished, progress.enqueued, JSON.stringify(progress));
  assert.equal(progress.enqueued, 4);
  assert.ok((progress.outcomes.failed ?? 0) >= 1, JSON.stringify(progress.outcomes));

  const run = await world.db.pool.query<{ result: string; reason: string; final: string }>(
    `SELECT result, detail->>'reason' AS reason, detail->>'final' AS final FROM issue_runs WHERE workflow_id = $1`, [`issue/local/slugkit/${n}`]);
  assert.deepEqual(run.rows[0], { result: 'failed', reason: 'issue workflow terminated before its decision', final: 'false' });
  const issue = await world.db.pool.query<{ state: string; cooling: boolean }>(
    `SELECT i.state, i.retry_after > now() AS cooling FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' AND i.number = $1`, [n]);
  assert.deepEqual(issue.rows[0], { state: 'open', cooling: true });
  const status = await world.client.workflow.getHandle('repo/local/slugkit').query(repoStatusQuery);
  assert.deepEqual(status.running, [], 'the slot is free');
  assert.ok(status.finished.some((f) => f.number === n && f.outcome === 'failed'));
  const prs = await world.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pull_requests WHERE name = 'slugkit' AND issue_number = $1`, [n]);
  assert.equal(prs.rows[0]?.n, 0, 'no PR for the terminated issue');
});

test('an issue workflow terminated while its PR is being opened: its repository records the PR, followed, once it is on record', async () => {
  // slugkit#1 again, from its repository's queue (its PR, if the campaign opened one, closed first).
  const open = await world.db.pool.query<{ branch: string }>(`SELECT branch FROM pull_requests WHERE name = 'slugkit' AND issue_number = 1 AND state IN ('draft', 'open')`);
  if (open.rows[0]) {
    await world.db.pool.query(`UPDATE pull_requests SET state = 'closed' WHERE name = 'slugkit' AND issue_number = 1`);
    await world.db.pool.query(`UPDATE local_pull_requests SET state = 'closed' WHERE name = 'slugkit' AND issue_number = 1`);
    await world.client.workflow.getHandle('followup/local/slugkit/1').terminate('the closed PR is no longer followed');
  }
  const issue = world.client.workflow.getHandle('issue/local/slugkit/1');
  const repo = world.client.workflow.getHandle<typeof repoWorkflow>('repo/local/slugkit');
  const lock = await world.db.pool.connect();
  try {
    // The table lock holds open_pr at its first write to pull_requests, past its PR slot.
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE pull_requests IN EXCLUSIVE MODE');
    await repo.signal(enqueueSignal, { issues: [{ number: 1, priority: 1, dryRun: false }], forge: 'local' });
    await until(async () => {
      try {
        return ((await issue.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'openPullRequest')
          && ((await world.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pull_requests%'`)).rowCount ?? 0) > 0;
      } catch { return false; }
    }, 'open_pr waiting to write', 180_000);
    await issue.terminate('operator: terminated mid open_pr');
    // While the PR is still being opened, its repository's checks decide nothing yet.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual((await repo.query(repoStatusQuery)).running, [1]);
  } finally {
    await lock.query('COMMIT');
    lock.release();
  }
  await until(async () => (await repo.query(repoStatusQuery)).running.length === 0, 'the repository hears of the decision');
  const status = await repo.query(repoStatusQuery);
  assert.equal(status.finished.filter((f) => f.number === 1).at(-1)?.outcome, 'pr_opened');
  const run = (await world.db.pool.query<{ result: string; reason: string }>(`SELECT result, detail->>'reason' AS reason FROM issue_runs WHERE workflow_id = 'issue/local/slugkit/1'`)).rows[0];
  assert.equal(run?.result, 'pr_opened');
  assert.match(run.reason, /^our PR #\d+ is open; the issue workflow terminated before its decision$/);
  const state = (await world.db.pool.query<{ state: string }>(`SELECT i.state FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' AND i.number = 1`)).rows[0]?.state;
  assert.equal(state, 'done');
  const prs = (await world.db.pool.query<{ state: string }>(`SELECT state FROM pull_requests WHERE name = 'slugkit' AND issue_number = 1 AND number IS NOT NULL`)).rows;
  assert.deepEqual(prs, [{ state: 'draft' }]);
  assert.equal((await world.client.workflow.getHandle('followup/local/slugkit/1').describe()).status.name, 'RUNNING', 'the PR is followed');
});
