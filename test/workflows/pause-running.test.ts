import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { issueStatusQuery, pauseSignal, repoStatusQuery, resumeSignal } from '../../src/workflows/shared.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { taskQueue } from '../../src/temporal/task-queues.js';

let world: ExampleWorld;
let db: ExampleWorld['db'];
let sim: ExampleWorld['sim'];
let workers: ExampleWorld['workers'];
let client: ExampleWorld['client'];

before(async () => {
  // slugkit's model call is slow, so the pause lands while its generate stage is running.
  world = await startExampleWorld([
    { id: 'slow-slug-files', match: { tool: 'select_files', contains: 'slugify leaves repeated dashes' }, times: 1, respond: { fault: 'slow', delayMs: 3000, then: { toolUse: { name: 'select_files', input: { files: [{ path: 'src/slug.js', reason: 'named in the issue' }] } } } } },
    ...exampleScript(),
  ]);
  ({ db, sim, workers, client } = world);
});
after(() => world.close());

const prRows = async (name: string): Promise<number> =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pull_requests WHERE name = $1 AND state IN ('draft', 'open')`, [name])).rows[0]?.n ?? 0;

async function until(fn: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('pausing a repository holds its running issue at the next stage boundary; resume lets it finish', async () => {
  const started = await startCampaign(client, { id: `pause-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline' }, { taskQueuePrefix: workers.prefix });
  await until(() => sim.calls.some((c) => c.ruleId === 'slow-slug-files'), 'the slow model call for slugkit');
  const repo = client.workflow.getHandle('repo/local/slugkit');
  await repo.signal(pauseSignal, { reason: 'maintainer asked to wait' });

  const issue = client.workflow.getHandle('issue/local/slugkit/1');
  await until(async () => (await issue.query(issueStatusQuery)).paused, 'the running issue to hear the pause');
  // The generate stage finishes (the model answers after 3 s), then the issue holds before validate.
  await until(() => sim.calls.filter((c) => c.ruleId === 'slug-fix').length === 1, 'the fix to be generated');
  await new Promise((r) => setTimeout(r, 3000));
  const held = await issue.query(issueStatusQuery);
  assert.equal(held.paused, true);
  assert.equal(held.stage, 'generate', 'held at the boundary after generate');
  assert.equal(await prRows('slugkit'), 0, 'no PR while paused');
  assert.equal((await repo.query(repoStatusQuery)).paused, true);
  // The other repository was not paused and carries on.
  await until(async () => (await prRows('bytefmt')) === 1, 'bytefmt PR');

  await repo.signal(resumeSignal, { reason: 'go ahead' });
  await until(async () => (await prRows('slugkit')) === 1, 'slugkit PR after resume');
  // The PR row is written before its follow-up starts, and the server is shared with other test
  // files whose earlier follow-ups under this ID are over: wait for a running one.
  const followUpHandle = client.workflow.getHandle('followup/local/slugkit/1');
  await until(async () => (await followUpHandle.describe().catch(() => undefined))?.status.name === 'RUNNING', 'the PR to be followed');
  const followUp = await followUpHandle.describe();
  assert.deepEqual([followUp.status.name, followUp.taskQueue], ['RUNNING', taskQueue(workers.prefix, 'core')], 'the PR is followed');
  for (const id of ['followup/local/slugkit/1', 'followup/local/bytefmt/1', 'issue/local/slugkit/2', 'issue/local/bytefmt/2', 'repo/local/slugkit', 'repo/local/bytefmt', started.workflowId]) {
    await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
});
