import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScheduleHandle } from '@temporalio/client';
import { DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID, ensureSchedules, updateDiscoveryOptions } from '../../src/campaign/schedules.js';
import { parseScheduledDiscoveryOptions } from '../../src/campaign/schedule-options.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import type { CampaignProgress } from '../../src/workflows/campaign.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';

let world: ExampleWorld;
const scheduleIds = [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID];
const deleteSchedules = (): Promise<unknown> => Promise.all(scheduleIds.map((id) => world.client.schedule.getHandle(id).delete().catch(() => undefined)));

before(async () => {
  world = await startExampleWorld(exampleScript());
  // The schedule IDs are global on the suite's server: another file may have made them.
  await deleteSchedules();
  await ensureSchedules(world.client, {
    taskQueuePrefix: world.workers.prefix, githubToken: false,
    discovery: parseScheduledDiscoveryOptions({ forge: 'local', minStars: 0, maxRepos: 10 }),
  });
});
after(async () => {
  await deleteSchedules();
  await world.close();
});

/** Triggers the schedule as an operator would and waits for the run it started. */
async function triggerAndWait(handle: ScheduleHandle): Promise<CampaignProgress> {
  // A scheduled run's workflow ID ends with its start time to the second: two triggers within one
  // second would name the same run, so the second starts nothing.
  await new Promise((r) => setTimeout(r, 1100));
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
  await handle.trigger();
  let started: string | undefined;
  for (let i = 0; i < 200 && !started; i++) {
    started = (await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId).find((id) => !before.has(id));
    if (!started) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(started, 'the trigger started a run');
  return world.client.workflow.getHandle(started).result() as Promise<CampaignProgress>;
}

test('a triggered discovery runs the campaign path: issues taken in, analyzed and ranked in PostgreSQL, none sent to be fixed', async () => {
  const run = await triggerAndWait(world.client.schedule.getHandle(DISCOVERY_SCHEDULE_ID));
  assert.equal(run.repos, 2, JSON.stringify(run));
  assert.ok(run.analyzed > 0, JSON.stringify(run));
  assert.equal(run.analyzer, 'offline');
  assert.equal(run.enqueued, 0, 'no fan-out unless configured');
  assert.match(run.id, /^scheduled-[0-9a-f]{8}$/);
  const issues = (await world.db.pool.query<{ name: string; number: number; analyzed: boolean; ranked: boolean }>(
    `SELECT r.name, i.number, i.analyzed_at IS NOT NULL AS analyzed, k.issue_id IS NOT NULL AS ranked
       FROM issues i JOIN repositories r ON r.id = i.repository_id LEFT JOIN issue_ranks k ON k.issue_id = i.id
      WHERE r.forge = 'local' AND i.state = 'open'`)).rows;
  assert.ok(issues.length >= 4, JSON.stringify(issues));
  assert.deepEqual(issues.filter((i) => !i.analyzed || !i.ranked), [], 'every open issue analyzed and ranked');
  const runs = await world.db.pool.query('SELECT 1 FROM issue_runs');
  assert.equal(runs.rowCount, 0, 'no issue workflow ran');
});

test("the schedule's options change what it does: a health floor rejects, fan-out sends the top issue on", async () => {
  const handle = world.client.schedule.getHandle(DISCOVERY_SCHEDULE_ID);
  await updateDiscoveryOptions(world.client, { minHealth: 1 });
  const strict = await triggerAndWait(handle);
  assert.equal(strict.repos, 0, JSON.stringify(strict));
  assert.equal(strict.rejectedBy['health'], 2, JSON.stringify(strict.rejectedBy));

  const held = await updateDiscoveryOptions(world.client, { minHealth: 0, fanOut: true, maxIssues: 1, dryRun: true });
  assert.deepEqual([held.forge, held.fanOut, held.maxIssues, held.minHealth], ['local', true, 1, 0], 'the earlier options are kept');
  const desc = await handle.describe();
  assert.match(desc.action.type === 'startWorkflow' ? desc.action.staticSummary ?? '' : '', /then the top 1 issues are fixed \(dry run\)/);
  const fanned = await triggerAndWait(handle);
  assert.equal(fanned.repos, 2, JSON.stringify(fanned));
  assert.equal(fanned.enqueued, 1, JSON.stringify(fanned));
  assert.equal(fanned.finished, 1, JSON.stringify(fanned));
  const runs = (await world.db.pool.query<{ workflow_id: string }>('SELECT workflow_id FROM issue_runs')).rows;
  assert.equal(runs.length, 1, JSON.stringify(runs));
});

test('bad schedule options are refused with the option named, and the schedule keeps what it held', async () => {
  const before = (await world.client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).describe()).action;
  await assert.rejects(updateDiscoveryOptions(world.client, { maxRepos: 0 }), (err: unknown) => err instanceof UsageError && /maxRepos/.test(err.message));
  await assert.rejects(updateDiscoveryOptions(world.client, { forge: 'gitlab' }), (err: unknown) => err instanceof UsageError && /forge/.test(err.message));
  await assert.rejects(updateDiscoveryOptions(world.client, { schedule: 'hourly' }), (err: unknown) => err instanceof UsageError && /schedule/.test(err.message));
  assert.deepEqual((await world.client.schedule.getHandle(DISCOVERY_SCHEDULE_ID).describe()).action, before);

  const env = { TEMPORAL_ADDRESS: testTemporalAddress() };
  const cli = await runCli(['schedule', 'discovery', '--min-health', '2'], env, { timeoutMs: 30_000 });
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /minHealth/);
  const badAnalyzer = await runCli(['schedule', 'discovery', '--analyzer', 'magic'], env, { timeoutMs: 30_000 });
  assert.equal(badAnalyzer.code, 2, badAnalyzer.stderr);
  assert.match(badAnalyzer.stderr, /analyzer/);
  const badConfig = await runCli(['schedule', 'discovery'], { ...env, GLOBALLM_DISCOVERY_SCHEDULE: '{"maxRepos": "many"}' }, { timeoutMs: 30_000 });
  assert.equal(badConfig.code, 2, badConfig.stderr);
  assert.match(badConfig.stderr, /GLOBALLM_DISCOVERY_SCHEDULE\.maxRepos/);
  const notJson = await runCli(['schedule', 'discovery'], { ...env, GLOBALLM_DISCOVERY_SCHEDULE: 'forge=local' }, { timeoutMs: 30_000 });
  assert.equal(notJson.code, 2, notJson.stderr);
  assert.match(notJson.stderr, /GLOBALLM_DISCOVERY_SCHEDULE: expected a JSON object/);

  const shown = await runCli(['schedule', 'discovery', '--max-repos', '7', '--no-fan-out'], env, { timeoutMs: 30_000 });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^maxRepos=7$/m);
  assert.match(shown.stdout, /^fanOut=false$/m);
  assert.match(shown.stdout, /^forge=local$/m);
});
