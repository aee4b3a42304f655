import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { signalRepo } from '../../src/cli/commands/repo.js';
import { ServiceUnavailable } from '../../src/errors.js';
import { campaignProgressQuery } from '../../src/workflows/campaign.js';
import { repoStatusQuery } from '../../src/workflows/shared.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';

let world: ExampleWorld;

before(async () => {
  world = await startExampleWorld(exampleScript());
});
after(() => world.close());

async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a repository paused before its first campaign holds that campaign\'s issues until it is resumed', async () => {
  const { client, db, workers } = world;
  const starter = { pool: db.pool, taskQueuePrefix: workers.prefix };
  // Nothing is known yet: a pause has nothing to hold, and says so; a resume of nothing is an error too.
  await assert.rejects(signalRepo(client, 'local/slugkit', 'pause', 'not yet', starter), (e: unknown) => e instanceof ServiceUnavailable && /discovery has recorded/.test(e.message));
  await assert.rejects(signalRepo(client, 'local/slugkit', 'resume', undefined, starter), ServiceUnavailable);

  // Discovery records the repositories (a campaign whose health bar nobody passes fans out nothing).
  await (await startCampaign(client, { id: `pb-discover-${Date.now()}`, forge: 'local', minStars: 0, minHealth: 1, analyzer: 'offline' }, { taskQueuePrefix: workers.prefix })).result();
  assert.equal(await signalRepo(client, 'local/slugkit', 'pause', 'maintainer asked to wait', starter), 'started');
  const repo = client.workflow.getHandle('repo/local/slugkit');
  assert.deepEqual(await repo.query(repoStatusQuery).then((s) => [s.paused, s.pauseReason]), [true, 'maintainer asked to wait']);
  assert.equal(await signalRepo(client, 'local/slugkit', 'pause', 'still waiting', starter), 'signalled', 'a second pause signals the running workflow');

  const campaign = await startCampaign(client, { id: `pb-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', dryRun: true }, { taskQueuePrefix: workers.prefix });
  const handle = client.workflow.getHandle(campaign.workflowId);
  await until(async () => ((await handle.query(campaignProgressQuery)).enqueued >= 4 ? true : undefined), 'the fan-out');
  const held = await until(async () => {
    const s = await repo.query(repoStatusQuery);
    return s.queued.length > 0 ? s : undefined;
  }, 'slugkit\'s issues in its queue');
  assert.equal(held.paused, true);
  assert.deepEqual(held.running, [], 'nothing of a paused repository starts');
  const slugRuns = async (): Promise<number> => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM issue_runs WHERE workflow_id LIKE 'issue/local/slugkit/%'`)).rows[0]?.n ?? 0;
  assert.equal(await slugRuns(), 0);

  await signalRepo(client, 'local/slugkit', 'resume', undefined, starter);
  await until(async () => ((await slugRuns()) > 0 ? true : undefined), 'slugkit\'s issues to run after the resume', 240_000);
});
