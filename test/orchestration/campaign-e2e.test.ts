import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCampaign } from '../../src/campaign/start.js';
import { startExampleWorld, type ExampleWorld } from './example-world.js';
import { exampleScript } from './example-script.js';
import { campaignProgressQuery } from '../../src/workflows/campaign.js';
import { issueStatusQuery } from '../../src/workflows/shared.js';

const git = promisify(execFile);
let world: ExampleWorld;
let db: ExampleWorld['db'];
let dir: string;
let workers: ExampleWorld['workers'];
let client: ExampleWorld['client'];

before(async () => {
  world = await startExampleWorld(exampleScript());
  ({ db, dir, workers, client } = world);
});
after(() => world.close());

test('a campaign on the local forge goes from discovery to validated draft PRs with evidence', async () => {
  const started = await startCampaign(client, { id: `e2e-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline' }, { taskQueuePrefix: workers.prefix });
  const handle = client.workflow.getHandle(started.workflowId);

  // Both bugs become PRs: wait for the stored PR records.
  let prs: Array<{ name: string; issue_number: number; state: string; branch: string; body: string }> = [];
  for (let i = 0; i < 600 && prs.length < 2; i++) {
    prs = (await db.pool.query<{ name: string; issue_number: number; state: string; branch: string; body: string }>(`SELECT name, issue_number, state, branch, body FROM pull_requests WHERE state IN ('draft', 'open') ORDER BY name`)).rows;
    if (prs.length < 2) await new Promise((r) => setTimeout(r, 250));
  }
  const progress = await handle.query(campaignProgressQuery);
  assert.equal(progress.repos, 2, JSON.stringify(progress));
  assert.equal(progress.enqueued, 4, 'the four open, unclaimed issues');
  assert.deepEqual(prs.map((p) => [p.name, p.issue_number]), [['bytefmt', 1], ['slugkit', 1]], JSON.stringify((await db.pool.query('SELECT workflow_id, result, detail FROM issue_runs')).rows));

  for (const pr of prs) {
    assert.match(pr.branch, /^globallm\/issue-1-/);
    assert.match(pr.body, /Fixes #1/);
    assert.match(pr.body, /AI disclosure/);
    const cost = Number(/- Cost: \$(\d+\.\d{4})/.exec(pr.body)?.[1]);
    assert.ok(cost > 0, `the disclosure prices the model's tokens: ${cost}`);
    // The local forge's PR is a real branch whose tip holds the fix and the new test.
    const repo = join(dir, 'repos', pr.name);
    const files = (await git('git', ['-C', repo, 'show', '--name-only', '--format=', pr.branch])).stdout;
    assert.match(files, pr.name === 'slugkit' ? /src\/slug\.js/ : /src\/format\.js/);
    assert.match(files, /test\/(collapse|exact)\.test\.js/);
  }
  const slugBody = prs.find((p) => p.name === 'slugkit')?.body ?? '';
  assert.match(slugBody, /collapses runs of separators/, 'the new test is named in the evidence');

  // The claims are held: each issue workflow waits in its follow-up stage.
  const status = await client.workflow.getHandle('issue/local/slugkit/1').query(issueStatusQuery);
  assert.equal(status.stage, 'follow_up');
  const skipped = await db.pool.query<{ number: number; skip_reason: string }>(`SELECT i.number, i.skip_reason FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' AND i.state = 'skipped' ORDER BY i.number`);
  assert.deepEqual(skipped.rows.map((r) => r.number), [3, 4], 'the assigned issue and the one with an open linked PR are skipped');
  for (const id of ['issue/local/slugkit/1', 'issue/local/bytefmt/1', 'repo/local/slugkit', 'repo/local/bytefmt', started.workflowId]) {
    await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
});
