import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { historyEvents } from '../helpers/reset.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';

// The open-PR caps hold across parallel workers: two issues of one owner, in two repositories,
// both past the consent gate and both opening their PR at once, with room for one PR.

let world: ExampleWorld;
const issues = ['slugkit', 'bytefmt'].map((name) => ({ name, workflowId: `issue/local/${name}/1` }));

before(async () => {
  world = await startExampleWorld(exampleScript(), { GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '1', GLOBALLM_MAX_OPEN_PRS_PER_REPO: '1' });
});
after(() => world.close());

async function until(fn: () => Promise<boolean>, what: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sessions waiting for the table lock to write to pull_requests. */
async function waitingToWrite(): Promise<number> {
  return (await world.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pull_requests%'`)).rowCount ?? 0;
}

async function openPrScheduled(workflowId: string): Promise<boolean> {
  try {
    return (await historyEvents(world.client, workflowId)).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'openPullRequest');
  } catch { return false; }
}

test('two issues of one owner opened in parallel with an owner cap of 1: one PR, the other skipped by the cap', async () => {
  // The table lock holds each open_pr at its first write to pull_requests (reads go on), so both
  // pass the consent gate and reach open_pr before either PR is on record.
  const lock = await world.db.pool.connect();
  let started: Awaited<ReturnType<typeof startCampaign>>;
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE pull_requests IN EXCLUSIVE MODE');
    started = await startCampaign(world.client, { id: 'caps', forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: world.workers.prefix });
    await until(async () => {
      if (!(await openPrScheduled(issues[0]!.workflowId)) || !(await openPrScheduled(issues[1]!.workflowId))) return false;
      const waiting = await waitingToWrite();
      if (waiting >= 2) return true;
      const closed = await Promise.all(issues.map(async (i) => (await world.client.workflow.getHandle(i.workflowId).describe()).status.name !== 'RUNNING'));
      return waiting === 1 && closed.some(Boolean);
    }, 'both issues in open_pr, one holding a slot');
  } finally {
    await lock.query('COMMIT');
    lock.release();
  }
  const progress = await started.result();
  assert.equal(progress.finished, progress.enqueued, JSON.stringify(progress));

  const prs = (await world.db.pool.query<{ name: string; state: string }>(`SELECT name, state FROM pull_requests WHERE owner = 'local' AND number IS NOT NULL`)).rows;
  assert.equal(prs.length, 1, JSON.stringify(prs));
  const [pr] = prs as [{ name: string; state: string }];
  assert.equal(pr.state, 'draft');
  const other = issues.find((i) => i.name !== pr.name);
  assert.ok(other);
  const run = (await world.db.pool.query<{ result: string; reason: string }>(`SELECT result, detail->>'reason' AS reason FROM issue_runs WHERE workflow_id = $1`, [other.workflowId])).rows[0];
  assert.deepEqual(run, { result: 'skipped', reason: 'owner_pr_cap: 1 open PRs for local, cap 1' });
  assert.equal((await world.client.workflow.getHandle(`followup/local/${pr.name}/1`).describe()).status.name, 'RUNNING', 'the opened PR is followed');
  assert.equal((await world.db.pool.query('SELECT 1 FROM pr_open_slots')).rowCount, 0, 'no slot left taken');
});
