import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCampaign } from '../../src/campaign/start.js';
import { claimIssue } from '../helpers/claims.js';
import type { CampaignProgress } from '../../src/workflows/campaign.js';
import type { followUpWorkflow } from '../../src/workflows/follow-up.js';
import { repoStatusQuery } from '../../src/workflows/shared.js';
import { runCli } from '../helpers/cli.js';
import { firstWorkflowTask, historyEvents, resetWorkflow } from '../helpers/reset.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

const git = promisify(execFile);
let world: ExampleWorld;
let env: NodeJS.ProcessEnv;

before(async () => {
  world = await startExampleWorld(exampleScript());
  env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: world.db.url, GLOBALLM_TASK_QUEUE_PREFIX: world.workers.prefix, GLOBALLM_LOCAL_ROOT: join(world.dir, 'repos') };
});
after(async () => {
  for (const id of ['followup/local/slugkit/1', 'followup/local/bytefmt/1', 'repo/local/slugkit', 'repo/local/bytefmt', 'issue/local/bytefmt/2']) {
    await world.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
  await world.close();
});

const CAMPAIGN = ['campaign', 'start', '--forge', 'local', '--min-stars', '0', '--max-repos', '10', '--max-issues', '10', '--analyzer', 'offline', '--wait', '--json'];

async function startAndWait(id: string): Promise<CampaignProgress> {
  const r = await runCli([...CAMPAIGN, '--id', id], env, { timeoutMs: 240_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as CampaignProgress;
}

interface IssueRow { name: string; number: number; state: string; cooling: boolean }
async function issueRows(): Promise<IssueRow[]> {
  return (await world.db.pool.query<IssueRow>(
    `SELECT r.name, i.number, i.state, coalesce(i.retry_after > now() + interval '23 hours', false) AS cooling
       FROM issues i JOIN repositories r ON r.id = i.repository_id ORDER BY r.name, i.number`)).rows;
}

const sum = (o: CampaignProgress['outcomes']): number => Object.values(o).reduce((a, b) => a + (b ?? 0), 0);

test('--wait returns at the decisions; an identical campaign returns; issues are tried again after the cool-down; a claim held elsewhere is reported', async () => {
  const first = await startAndWait('decide-1');
  assert.equal(first.phase, 'done');
  assert.equal(first.enqueued, 4, JSON.stringify(first));
  assert.equal(first.finished, 4, 'every selected issue reached a decision');
  assert.equal(sum(first.outcomes), 4);
  assert.equal(first.outcomes.pr_opened, 2, JSON.stringify(first.outcomes));
  assert.deepEqual(first.pending, []);

  // The PRs are followed in the background; no repository slot is held for them.
  for (const id of ['followup/local/slugkit/1', 'followup/local/bytefmt/1']) {
    assert.equal((await world.client.workflow.getHandle(id).describe()).status.name, 'RUNNING', id);
  }
  assert.deepEqual((await world.client.workflow.getHandle('repo/local/slugkit').query(repoStatusQuery)).running, []);
  const status = await runCli(['campaign', 'status', 'decide-1'], env);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /4 enqueued, 4 decided/);
  assert.match(status.stdout, /follow-ups running: 2/);

  // Local-forge work never waits on the GitHub queue's rate limit.
  const history = await world.client.workflow.getHandle('issue/local/slugkit/1').fetchHistory();
  const queues = new Set((history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.taskQueue?.name ? [e.activityTaskScheduledEventAttributes.taskQueue.name] : [])));
  assert.ok(queues.has(taskQueue(world.workers.prefix, 'core')), [...queues].join(', '));
  assert.ok(![...queues].some((q) => q.endsWith('-github')), `no activity on the GitHub queue: ${[...queues].join(', ')}`);

  // Opened PRs are done; the rest wait out the cool-down (default 24 hours).
  const rows = await issueRows();
  const byKey = new Map(rows.map((r) => [`${r.name}#${r.number}`, r]));
  assert.equal(byKey.get('slugkit#1')?.state, 'done');
  assert.equal(byKey.get('bytefmt#1')?.state, 'done');
  for (const key of ['slugkit#2', 'bytefmt#2']) assert.equal(byKey.get(key)?.cooling, true, `${key} cools down: ${JSON.stringify(byKey.get(key))}`);

  // The same campaign again returns at once: nothing is due.
  const second = await startAndWait('decide-2');
  assert.equal(second.enqueued, 0, JSON.stringify(second));
  assert.equal(second.finished, 0);

  // Once the cool-down is over the same issues are selected and run again (a new run of the same workflow ID).
  const firstRun = (await world.client.workflow.getHandle('issue/local/bytefmt/2').describe()).runId;
  await world.db.pool.query(`UPDATE issues SET retry_after = now() - interval '1 minute' WHERE retry_after IS NOT NULL`);
  const third = await startCampaign(world.client, { id: 'decide-3', forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: world.workers.prefix });
  const thirdResult = await third.result();
  assert.equal(thirdResult.enqueued, 2, JSON.stringify(thirdResult));
  assert.equal(thirdResult.finished, 2);
  assert.equal(thirdResult.outcomes.pr_opened, undefined, 'no second PR');
  assert.notEqual((await world.client.workflow.getHandle('issue/local/bytefmt/2').describe()).runId, firstRun);
  const prs = await world.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pull_requests WHERE state IN ('draft', 'open')`);
  assert.equal(prs.rows[0]?.n, 2);

  // An issue whose workflow is running elsewhere is reported as already claimed, and the campaign completes.
  // (The campaign returns at the decision; the issue's own run closes a moment later.)
  for (let i = 0; i < 200 && (await world.client.workflow.getHandle('issue/local/bytefmt/2').describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 100));
  const held = await claimIssue(world.client, { forge: 'local', owner: 'local', repo: 'bytefmt', number: 2, taskQueuePrefix: 'no-worker-polls-this', dryRun: true });
  assert.equal(held.claimed, true);
  await world.db.pool.query(`UPDATE issues SET retry_after = now() - interval '1 minute' WHERE retry_after IS NOT NULL`);
  const fourth = await startAndWait('decide-4');
  assert.equal(fourth.enqueued, 2, JSON.stringify(fourth));
  assert.equal(fourth.outcomes.already_claimed, 1, JSON.stringify(fourth.outcomes));
  assert.equal(fourth.finished, 2);
  await world.client.workflow.getHandle('issue/local/bytefmt/2').terminate('test over');
});

test('an issue workflow reset to its first workflow task adopts its own PR: no second commit or PR, the follow-up goes on', async () => {
  const id = 'issue/local/slugkit/1';
  const before = (await world.db.pool.query<{ head_oid: string; number: number }>(`SELECT head_oid, number FROM pull_requests WHERE name = 'slugkit' AND issue_number = 1`)).rows[0];
  assert.ok(before);
  const followRun = (await world.client.workflow.getHandle('followup/local/slugkit/1').describe()).runId;
  // The same call the Web UI's "Reset" makes.
  const runId = await resetWorkflow(world.client, id, firstWorkflowTask(await historyEvents(world.client, id)), 'operator retries the run');
  const result = await world.client.workflow.getHandle(id, runId).result() as { outcome: string; detail?: string };
  assert.equal(result.outcome, 'pr_opened');
  assert.match(result.detail ?? '', new RegExp(`adopted our open PR #${before.number}`));
  const after = await world.db.pool.query<{ head_oid: string; number: number }>(`SELECT head_oid, number FROM pull_requests WHERE name = 'slugkit'`);
  assert.deepEqual(after.rows, [before], 'one PR, and no new commit on it');
  const follow = await world.client.workflow.getHandle('followup/local/slugkit/1').describe();
  assert.equal(follow.status.name, 'RUNNING');
  assert.equal(follow.runId, followRun, 'the same follow-up goes on');
  const issue = await world.db.pool.query<{ state: string }>(`SELECT i.state FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' AND i.number = 1`);
  assert.equal(issue.rows[0]?.state, 'done', 'PostgreSQL agrees with Temporal');
});

test('a local PR merged with git, or closed with `prs close`, ends its follow-up with that outcome', async () => {
  const pr = (name: string) => world.db.pool.query<{ branch: string; state: string }>(`SELECT branch, state FROM pull_requests WHERE name = $1 AND issue_number = 1`, [name]).then((r) => r.rows[0]);
  const follow = (name: string) => world.client.workflow.start<typeof followUpWorkflow>('followUpWorkflow', {
    workflowId: `followup-fast/local/${name}/1`, taskQueue: taskQueue(world.workers.prefix, 'core'),
    args: [{ forge: 'local', owner: 'local', repo: name, number: 1, taskQueuePrefix: world.workers.prefix, cadence: { every: '1s', checks: 120 } }],
  });
  const slug = await pr('slugkit');
  assert.ok(slug && ['draft', 'open'].includes(slug.state), JSON.stringify(slug));
  await git('git', ['-C', join(world.dir, 'repos', 'slugkit'), '-c', 'user.name=Maintainer', '-c', 'user.email=m@example.org', 'merge', '--no-ff', '--no-edit', slug.branch]);
  assert.deepEqual((await (await follow('slugkit')).result()).state, 'merged');
  assert.equal((await pr('slugkit'))?.state, 'merged');

  const malformed = await runCli(['prs', 'close', 'local/bytefmt'], env);
  assert.equal(malformed.code, 2, malformed.stderr);
  const missing = await runCli(['prs', 'close', 'local/bytefmt#99'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no open pull request recorded for local\/bytefmt#99/);
  const closed = await runCli(['prs', 'close', 'local/bytefmt#1'], env);
  assert.equal(closed.code, 0, closed.stderr);
  assert.match(closed.stdout, /closed local PR #\d+ for local\/bytefmt#1/);
  assert.equal((await (await follow('bytefmt')).result()).state, 'closed');
  const outcomes = await world.db.pool.query<{ name: string; kind: string }>(`SELECT p.name, o.kind FROM outcomes o JOIN pull_requests p ON p.id = o.pull_request_id ORDER BY p.name`);
  // The operator's close is ours (withdrawn), not a maintainer's: the issue is not barred.
  assert.deepEqual(outcomes.rows.map((r) => [r.name, r.kind]), [['bytefmt', 'withdrawn'], ['slugkit', 'merged']]);
  assert.equal((await world.db.pool.query('SELECT 1 FROM declined_issues')).rowCount, 0);
});

test('the GitHub queue rate is a setting; 0, a negative number or text is refused at start with exit 2', async () => {
  for (const bad of ['0', '-1', 'fast']) {
    const r = await runCli(['worker'], { ...env, GLOBALLM_GITHUB_QUEUE_RATE: bad });
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /GLOBALLM_GITHUB_QUEUE_RATE/);
  }
});
