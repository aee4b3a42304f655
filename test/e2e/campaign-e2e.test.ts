import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCampaign } from '../../src/campaign/start.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { campaignProgressQuery } from '../../src/workflows/campaign.js';

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

  // Every issue reached a decision, so the campaign completed; each PR is followed by its own workflow.
  const final = await handle.result() as Awaited<ReturnType<typeof started.result>>;
  assert.equal(final.finished, 4, JSON.stringify(final));
  assert.equal(final.outcomes.pr_opened, 2, JSON.stringify(final));
  const followUp = await client.workflow.getHandle('followup/local/slugkit/1').describe();
  assert.equal(followUp.status.name, 'RUNNING');
  assert.equal((await client.workflow.getHandle('issue/local/slugkit/1').describe()).status.name, 'COMPLETED', 'the issue workflow ended at its decision');
  const skipped = await db.pool.query<{ number: number; skip_reason: string }>(`SELECT i.number, i.skip_reason FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = 'slugkit' AND i.state = 'skipped' ORDER BY i.number`);
  assert.deepEqual(skipped.rows.map((r) => r.number), [3, 4], 'the assigned issue and the one with an open linked PR are skipped at intake');
  // The feature request ran beside the PR's follow-up, met the one-open-PR-per-repository cap, and may be tried again later.
  const capped = await db.pool.query<{ result: string; reason: string }>(`SELECT result, detail->>'reason' AS reason FROM issue_runs WHERE workflow_id = 'issue/local/slugkit/2'`);
  assert.equal(capped.rows[0]?.result, 'skipped');
  assert.match(capped.rows[0]?.reason ?? '', /repo_pr_cap/);
  for (const id of ['followup/local/slugkit/1', 'followup/local/bytefmt/1', 'repo/local/slugkit', 'repo/local/bytefmt']) {
    await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
});
