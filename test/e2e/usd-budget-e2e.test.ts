import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';

let world: ExampleWorld;
before(async () => { world = await startExampleWorld(exampleScript(), { GLOBALLM_BUDGET_WEEKLY_USD: '5' }); });
after(() => world.close());

/** The failure messages of a workflow's failed activities, from its history. */
async function activityFailures(workflowId: string): Promise<string[]> {
  const history = await world.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const f = e.activityTaskFailedEventAttributes?.failure;
    return f ? [`${f.applicationFailureInfo?.type ?? ''}: ${f.message ?? ''}`] : [];
  });
}

test("a campaign's dollar budget stops its model calls before they are made, in a running campaign", async () => {
  const { client, workers, db, sim } = world;
  const id = `usd-${Date.now()}`;
  const started = await startCampaign(client, { id, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', usdBudget: 0.0001 }, { taskQueuePrefix: workers.prefix });
  const progress = await started.result();
  assert.ok(progress.enqueued >= 2, JSON.stringify(progress));
  const cap = await db.pool.query<{ usd_budget: string }>(`SELECT usd_budget FROM campaigns WHERE id = $1`, [id]);
  assert.equal(Number(cap.rows[0]?.usd_budget), 0.0001, 'the cap is kept with the campaign');

  const runs = (await db.pool.query<{ workflow_id: string; result: string }>(`SELECT workflow_id, result FROM issue_runs WHERE campaign = $1`, [id])).rows;
  const stopped: string[] = [];
  for (const r of runs.filter((x) => x.result === 'failed')) {
    const failures = await activityFailures(r.workflow_id);
    if (failures.length === 1 && /^BudgetExhausted: dollar budget exhausted for campaign .*--usd-budget/.test(failures[0] ?? '')) stopped.push(r.workflow_id);
  }
  assert.ok(stopped.length >= 1, `the issues that reached the fix stage stopped at the dollar cap: ${JSON.stringify(runs)}`);
  assert.equal(sim.calls.length, 0, 'no model call was made past the dollar budget');
  const week = await db.pool.query<{ limit_usd: string; reserved_usd: string; used_usd: string }>(`SELECT limit_usd, reserved_usd, used_usd FROM budgets WHERE scope = 'week'`);
  assert.deepEqual(week.rows.map((w) => [Number(w.limit_usd), Number(w.reserved_usd), Number(w.used_usd)]), [], 'refused before any scope row was touched');
  for (const wf of ['repo/local/slugkit', 'repo/local/bytefmt']) await client.workflow.getHandle(wf).terminate('test over').catch(() => undefined);
});
