import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCampaign } from '../../src/campaign/start.js';
import type { IssueFinished } from '../../src/workflows/shared.js';
import { claimIssue } from '../helpers/claims.js';
import { runCli } from '../helpers/cli.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { afterLastCompletedActivity, beforeActivity, historyEvents, localActivityMarker, resetWorkflow } from '../helpers/reset.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript, fix } from '../../src/examples/demo-script.js';
import { findFollowedPrRow } from '../../src/db/pull-requests.js';

// An operator's actions on real issue workflows, through the Temporal client calls the Web UI
// and the `temporal` CLI make. After each: one PR with one commit, still followed; every paid
// model call charged once; PostgreSQL says what Temporal shows.

const git = promisify(execFile);
let world: ExampleWorld;

/** slugkit's fix as the model answers it the second time: the same change with its test under another name. */
const secondSlugFix = fix('slug-fix-again', 'slugify leaves repeated dashes', [
  { path: 'src/slug.js', search: ".replace(/[^a-z0-9]/g, '-');", replace: ".replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');" },
  { path: 'test/separators.test.js', newFile: "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert/strict');\nconst { slugify } = require('../src/slug.js');\n\ntest('collapses runs of separators', () => {\n  assert.equal(slugify('a -- b'), 'a-b');\n});\n" },
]);

before(async () => {
  const [slugFiles, slugFix, ...rest] = exampleScript();
  assert.ok(slugFiles && slugFix);
  world = await startExampleWorld([
    // bytefmt's first model call is slow, so the operator's cancel lands in its generate stage.
    { id: 'slow-bytes-files', match: { tool: 'select_files', contains: 'formatBytes(1024) prints 1024 B' }, times: 1, respond: { fault: 'slow', delayMs: 15_000, then: { toolUse: { name: 'select_files', input: { files: [{ path: 'src/format.js', reason: 'named in the issue' }] } } } } },
    slugFiles, { ...slugFix, times: 1 }, secondSlugFix, ...rest,
  ]);
});
after(() => world.close());

async function until(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface PrRow { number: number; state: string; branch: string; head_oid: string; patch: string }

/**
 * One current PR for the issue (any it replaced are closed), open, with one commit on its branch,
 * followed by its follow-up workflow.
 */
async function oneFollowedPr(name: string, issue: number): Promise<PrRow & { followRun: string }> {
  const rows = (await world.db.pool.query<PrRow>(
    `SELECT number, state, branch, head_oid, patch FROM pull_requests WHERE name = $1 AND issue_number = $2 AND superseded_by IS NULL`, [name, issue])).rows;
  assert.equal(rows.length, 1, `one PR for ${name}#${issue}`);
  const live = (await world.db.pool.query(`SELECT 1 FROM pull_requests WHERE name = $1 AND issue_number = $2 AND state IN ('draft', 'open')`, [name, issue])).rowCount;
  assert.equal(live, 1, `one open PR for ${name}#${issue}`);
  const [pr] = rows as [PrRow];
  assert.ok(['draft', 'open'].includes(pr.state), pr.state);
  const dir = join(world.dir, 'repos', name);
  const { stdout: commits } = await git('git', ['-C', dir, 'rev-list', '--count', `HEAD..${pr.branch}`]);
  assert.equal(commits.trim(), '1', `one commit on ${pr.branch}`);
  const { stdout: tip } = await git('git', ['-C', dir, 'rev-parse', pr.branch]);
  assert.equal(tip.trim(), pr.head_oid, 'the recorded head is the branch tip');
  const follow = await world.client.workflow.getHandle(`followup/local/${name}/${issue}`).describe();
  assert.equal(follow.status.name, 'RUNNING', 'the PR is followed');
  return { ...pr, followRun: follow.runId };
}

/** Every paid model call the stand-in answered is one settled row of the budget's call ledger, none left held. */
async function chargedOncePerCall(): Promise<void> {
  const paid = (): number => world.sim.calls.filter((c) => c.status === 200 && c.usage !== null).length;
  const ledger = async (): Promise<{ settled: number; held: number }> => (await world.db.pool.query<{ settled: number; held: number }>(
    `SELECT count(*) FILTER (WHERE state = 'settled')::int AS settled, count(*) FILTER (WHERE state = 'held')::int AS held
       FROM budget_reservations WHERE call_key IS NOT NULL`)).rows[0] ?? { settled: -1, held: -1 };
  await until(async () => (await ledger()).held === 0, 'no held budget');
  assert.deepEqual(await ledger(), { settled: paid(), held: 0 }, 'one settled ledger row per paid model call');
}

/**
 * PostgreSQL's record of the issue is the decision the run Temporal shows last recorded (a run
 * reset past its record carries the record of the run it was reset from), with its outcome.
 */
async function pgMatchesTemporal(name: string, issue: number, expect: { status: string; outcome: string; state: string }): Promise<void> {
  const handle = world.client.workflow.getHandle(`issue/local/${name}/${issue}`);
  const d = await handle.describe();
  assert.equal(d.status.name, expect.status);
  // The record is a local activity: its marker keeps what it returned, which is what it wrote.
  const records = (await historyEvents(world.client, handle.workflowId, d.runId)).flatMap((e) => {
    const marker = localActivityMarker<{ runId: string; result: string }>(e);
    return marker?.type === 'recordIssueRun' && marker.result ? [marker.result] : [];
  });
  const recorded = records.at(-1);
  assert.ok(recorded, 'the run recorded its decision');
  const run = (await world.db.pool.query<{ run_id: string; result: string }>(`SELECT run_id, result FROM issue_runs WHERE workflow_id = $1`, [handle.workflowId])).rows[0];
  assert.deepEqual(run, { run_id: recorded.runId, result: expect.outcome }, 'issue_runs holds what the latest run recorded');
  assert.equal(recorded.result, expect.outcome);
  if (expect.status === 'COMPLETED') assert.equal((await handle.result() as IssueFinished).outcome, expect.outcome);
  const state = (await world.db.pool.query<{ state: string }>(
    `SELECT i.state FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = $1 AND i.number = $2`, [name, issue])).rows[0]?.state;
  assert.equal(state, expect.state);
}

test('cancelled in its generate stage, then started again: one PR with one commit, followed; the budget charged once per call', async () => {
  const started = await startCampaign(world.client, { id: 'operator', forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: world.workers.prefix });
  const bytes = world.client.workflow.getHandle('issue/local/bytefmt/1');
  await until(async () => {
    try {
      return ((await bytes.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'generateFix');
    } catch { return false; }
  }, 'bytefmt#1 in its generate stage');
  await bytes.cancel();
  const progress = await started.result();
  assert.equal(progress.finished, progress.enqueued, JSON.stringify(progress));
  assert.equal(progress.outcomes.pr_opened, 1, JSON.stringify(progress.outcomes));

  const cancelled = (await world.db.pool.query<{ reason: string; final: string }>(
    `SELECT detail->>'reason' AS reason, detail->>'final' AS final FROM issue_runs WHERE workflow_id = 'issue/local/bytefmt/1'`)).rows[0];
  assert.deepEqual(cancelled, { reason: 'cancelled at generate', final: 'false' });
  await pgMatchesTemporal('bytefmt', 1, { status: 'CANCELLED', outcome: 'failed', state: 'open' });
  assert.equal((await world.db.pool.query(`SELECT 1 FROM pull_requests WHERE name = 'bytefmt' AND issue_number = 1`)).rowCount, 0, 'no PR yet');

  // Started again, as a later campaign or `temporal workflow start` with the same ID would.
  const again = await claimIssue(world.client, { forge: 'local', owner: 'local', repo: 'bytefmt', number: 1, taskQueuePrefix: world.workers.prefix, dryRun: false });
  assert.equal(again.claimed, true);
  assert.equal((await bytes.result() as IssueFinished).outcome, 'pr_opened');
  await oneFollowedPr('bytefmt', 1);
  await oneFollowedPr('slugkit', 1);
  await pgMatchesTemporal('bytefmt', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();

  // Started once more: it adopts its own PR, and nothing is made or paid twice.
  const calls = world.sim.calls.length;
  const before = await oneFollowedPr('bytefmt', 1);
  assert.equal((await claimIssue(world.client, { forge: 'local', owner: 'local', repo: 'bytefmt', number: 1, taskQueuePrefix: world.workers.prefix, dryRun: false })).claimed, true);
  const adopted = await bytes.result() as IssueFinished;
  assert.equal(adopted.outcome, 'pr_opened');
  assert.match(adopted.detail ?? '', new RegExp(`adopted our open PR #${before.number}`));
  assert.deepEqual(await oneFollowedPr('bytefmt', 1), before);
  assert.equal(world.sim.calls.length, calls, 'no model call');
  await pgMatchesTemporal('bytefmt', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
});

test('reset to the last completed activity, then to just before open_pr: the same PR and commit, the same follow-up, nothing paid twice', async () => {
  const id = 'issue/local/slugkit/1';
  const before = await oneFollowedPr('slugkit', 1);
  const calls = world.sim.calls.length;

  const last = await resetWorkflow(world.client, id, afterLastCompletedActivity(await historyEvents(world.client, id)), 'operator retries the end of the run');
  assert.equal((await world.client.workflow.getHandle(id, last).result() as IssueFinished).outcome, 'pr_opened');
  assert.deepEqual(await oneFollowedPr('slugkit', 1), before);
  await pgMatchesTemporal('slugkit', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });

  const events = await historyEvents(world.client, id);
  const reopen = await resetWorkflow(world.client, id, beforeActivity(events, 'openPullRequest'), 'operator retries opening the PR');
  const result = await world.client.workflow.getHandle(id, reopen).result() as IssueFinished;
  assert.equal(result.outcome, 'pr_opened');
  // The new run did open_pr again: it found our PR and branch, and wrote nothing.
  const again = await historyEvents(world.client, id, reopen);
  assert.equal(again.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'openPullRequest').length, 1);
  assert.deepEqual(await oneFollowedPr('slugkit', 1), before, 'no second PR or commit; the same follow-up');
  assert.equal(world.sim.calls.length, calls, 'no model call');
  await pgMatchesTemporal('slugkit', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();
});

test('reset to before generate, the model now answering with another fix: a new PR replaces the open one, which is closed with a link to it; the one follow-up follows the new PR', async () => {
  const id = 'issue/local/slugkit/1';
  const before = await oneFollowedPr('slugkit', 1);
  const calls = world.sim.calls.length;
  const runId = await resetWorkflow(world.client, id, beforeActivity(await historyEvents(world.client, id), 'generateFix'), 'operator wants another fix');
  const result = await world.client.workflow.getHandle(id, runId).result() as IssueFinished;
  assert.equal(result.outcome, 'pr_opened');
  assert.ok(world.sim.calls.slice(calls).some((c) => c.ruleId === 'slug-fix-again'), 'the fix was generated again');
  const now = await oneFollowedPr('slugkit', 1);
  assert.notEqual(now.number, before.number, 'a new PR');
  assert.notEqual(now.branch, before.branch, 'on a branch of its own');
  assert.notEqual(now.patch, before.patch);
  assert.equal(now.followRun, before.followRun, 'the issue\'s follow-up goes on: one follow-up, now for the new PR');
  const followed = await findFollowedPrRow(world.db.pool, 'local', { owner: 'local', name: 'slugkit' }, 1);
  assert.equal(followed?.number, now.number);

  // The old PR: closed by us, with the comment that links the new one, its branch left as it was.
  const old = (await world.db.pool.query<{ state: string; replaced: boolean; outcomes: { kind: string; comment: string | null }[] }>(
    `SELECT p.state, p.superseded_by = (SELECT id FROM pull_requests WHERE name = 'slugkit' AND issue_number = 1 AND superseded_by IS NULL) AS replaced,
            array(SELECT json_build_object('kind', o.kind, 'comment', o.detail->>'comment') FROM outcomes o WHERE o.pull_request_id = p.id AND o.kind <> 'auto_merge' ORDER BY o.id) AS outcomes
       FROM pull_requests p WHERE name = 'slugkit' AND issue_number = 1 AND number = $1`, [before.number])).rows[0];
  assert.equal(old?.state, 'closed');
  assert.equal(old?.replaced, true, 'the old row names the new one');
  assert.deepEqual(old?.outcomes.map((o) => o.kind), ['withdrawn'], 'ours: the issue is not barred');
  assert.match(old?.outcomes[0]?.comment ?? '', new RegExp(`^Superseded by #${now.number}: a newer fix for issue #1\\.`));
  const local = (await world.db.pool.query<{ number: number; state: string }>(`SELECT number, state FROM local_pull_requests WHERE name = 'slugkit' AND issue_number = 1 ORDER BY number`)).rows;
  assert.deepEqual(local, [{ number: before.number, state: 'closed' }, { number: now.number, state: 'draft' }]);
  const { stdout: tip } = await git('git', ['-C', join(world.dir, 'repos', 'slugkit'), 'rev-parse', before.branch]);
  assert.equal(tip.trim(), before.head_oid);

  const detail = (await world.db.pool.query<{ detail: string }>(`SELECT detail->'pr'->>'detail' AS detail FROM issue_runs WHERE workflow_id = $1`, [id])).rows[0]?.detail;
  assert.equal(detail, `opened #${now.number} with a newer fix and closed #${before.number} in its favour`);
  await pgMatchesTemporal('slugkit', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();
});

test('cancelled while its PR is being opened: the cancel waits, the PR is opened and followed, and the run completes pr_opened', async () => {
  // The PR closed by the operator (prs close), then the issue started again.
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: world.db.url, GLOBALLM_LOCAL_ROOT: join(world.dir, 'repos') };
  const closed = await runCli(['prs', 'close', 'local/bytefmt#1'], env);
  assert.equal(closed.code, 0, closed.stderr);
  const bytes = world.client.workflow.getHandle('issue/local/bytefmt/1');
  // The table lock holds open_pr at its first write (reads go on), so the cancel lands mid-stage.
  const lock = await world.db.pool.connect();
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE pull_requests IN EXCLUSIVE MODE');
    assert.equal((await claimIssue(world.client, { forge: 'local', owner: 'local', repo: 'bytefmt', number: 1, taskQueuePrefix: world.workers.prefix, dryRun: false })).claimed, true);
    await until(async () => ((await bytes.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'openPullRequest')
      && ((await world.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pull_requests%'`)).rowCount ?? 0) > 0, 'open_pr waiting to write');
    await bytes.cancel();
    await until(async () => (await historyEvents(world.client, bytes.workflowId)).some((e) => e.workflowExecutionCancelRequestedEventAttributes), 'the cancel request');
  } finally {
    await lock.query('COMMIT');
    lock.release();
  }
  const result = await bytes.result() as IssueFinished;
  assert.equal(result.outcome, 'pr_opened');
  const pr = await oneFollowedPr('bytefmt', 1);
  assert.equal(pr.state, 'draft');
  await pgMatchesTemporal('bytefmt', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();
});

test('terminated while its PR is being opened: the PR is opened once and followed at once, a restart adopts both, and the follow-up sees the PR merged', async () => {
  // The PR closed and its follow-up over, then the issue started again with a quick follow-up.
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: world.db.url, GLOBALLM_LOCAL_ROOT: join(world.dir, 'repos') };
  const closed = await runCli(['prs', 'close', 'local/bytefmt#1'], env);
  assert.equal(closed.code, 0, closed.stderr);
  const follow = world.client.workflow.getHandle('followup/local/bytefmt/1');
  await follow.terminate('the closed PR is no longer followed');
  const bytes = world.client.workflow.getHandle('issue/local/bytefmt/1');
  const input = { forge: 'local', owner: 'local', repo: 'bytefmt', number: 1, taskQueuePrefix: world.workers.prefix, dryRun: false, followUp: { every: '1s', checks: 600 } } as const;
  const lock = await world.db.pool.connect();
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE pull_requests IN EXCLUSIVE MODE');
    assert.equal((await claimIssue(world.client, input)).claimed, true);
    await until(async () => ((await bytes.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'openPullRequest')
      && ((await world.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pull_requests%'`)).rowCount ?? 0) > 0, 'open_pr waiting to write');
    await bytes.terminate('operator: terminated mid open_pr');
    assert.equal((await bytes.describe()).status.name, 'TERMINATED');
  } finally {
    await lock.query('COMMIT');
    lock.release();
  }
  // The activity goes on to open the PR and starts its follow-up itself.
  await until(async () => (await follow.describe()).status.name === 'RUNNING', 'the follow-up of the PR opened after the terminate');
  const pr = await oneFollowedPr('bytefmt', 1);
  assert.equal(pr.state, 'draft');
  assert.equal((await bytes.describe()).status.name, 'TERMINATED', 'the follow-up was not started by the issue workflow');

  // Started again: it adopts its PR and the running follow-up.
  const calls = world.sim.calls.length;
  assert.equal((await claimIssue(world.client, input)).claimed, true);
  const adopted = await bytes.result() as IssueFinished;
  assert.equal(adopted.outcome, 'pr_opened');
  assert.match(adopted.detail ?? '', new RegExp(`adopted our open PR #${pr.number}`));
  assert.deepEqual(await oneFollowedPr('bytefmt', 1), pr, 'the same PR, commit and follow-up');
  assert.equal(world.sim.calls.length, calls, 'no model call');
  await pgMatchesTemporal('bytefmt', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();

  // A maintainer merges it: the follow-up records the outcome and ends.
  await git('git', ['-C', join(world.dir, 'repos', 'bytefmt'), 'merge', '--ff-only', '--quiet', pr.branch]);
  assert.equal((await follow.result() as { state: string }).state, 'merged');
  const merged = (await world.db.pool.query<{ state: string; outcomes: string[] }>(
    `SELECT p.state, array(SELECT kind FROM outcomes o WHERE o.pull_request_id = p.id) AS outcomes FROM pull_requests p WHERE name = 'bytefmt' AND issue_number = 1`)).rows[0];
  assert.equal(merged?.state, 'merged');
  assert.deepEqual(merged?.outcomes.filter((k) => k === 'merged'), ['merged'], 'the merge recorded once');
});

test('reset to just before open_pr while open_pr is still running: the old attempt and the new one open one PR with one commit, followed', async () => {
  // The PR closed by a maintainer deleting its branch, and its follow-up over; the issue started again.
  const env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: world.db.url, GLOBALLM_LOCAL_ROOT: join(world.dir, 'repos') };
  const old = await oneFollowedPr('slugkit', 1);
  const closed = await runCli(['prs', 'close', 'local/slugkit#1'], env);
  assert.equal(closed.code, 0, closed.stderr);
  await git('git', ['-C', join(world.dir, 'repos', 'slugkit'), 'branch', '-D', old.branch]);
  await world.client.workflow.getHandle('followup/local/slugkit/1').terminate('the closed PR is no longer followed');
  const id = 'issue/local/slugkit/1';
  const slug = world.client.workflow.getHandle(id);
  const waitingToWrite = async (): Promise<number> => (await world.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pull_requests%'`)).rowCount ?? 0;
  const lock = await world.db.pool.connect();
  let reset: string;
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE pull_requests IN EXCLUSIVE MODE');
    assert.equal((await claimIssue(world.client, { forge: 'local', owner: 'local', repo: 'slugkit', number: 1, taskQueuePrefix: world.workers.prefix, dryRun: false })).claimed, true);
    await until(async () => ((await slug.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'openPullRequest') && await waitingToWrite() === 1, 'open_pr waiting to write', 240_000);
    // The operator resets the running run: its open_pr attempt goes on, and the new run's starts beside it.
    reset = await resetWorkflow(world.client, id, beforeActivity(await historyEvents(world.client, id), 'openPullRequest'), 'operator retries opening the PR');
    await until(async () => await waitingToWrite() === 2, 'both open_pr attempts waiting to write');
  } finally {
    await lock.query('COMMIT');
    lock.release();
  }
  const result = await world.client.workflow.getHandle(id, reset).result() as IssueFinished;
  assert.equal(result.outcome, 'pr_opened');
  const pr = await oneFollowedPr('slugkit', 1);
  assert.equal(pr.number, old.number + 1, 'one new PR');
  await until(async () => (await world.db.pool.query(`SELECT 1 FROM pr_open_slots`)).rowCount === 0, 'both attempts done');
  assert.deepEqual(await oneFollowedPr('slugkit', 1), pr, 'the old attempt wrote nothing more');
  await pgMatchesTemporal('slugkit', 1, { status: 'COMPLETED', outcome: 'pr_opened', state: 'done' });
  await chargedOncePerCall();
});
