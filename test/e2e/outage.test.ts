import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';

let world: ExampleWorld;

// The scripted model knows no triage answer: every analysis request fails with a 500, an outage
// that outlasts every retry.
before(async () => { world = await startExampleWorld(exampleScript()); });
after(async () => {
  for (const id of ['repo/local/slugkit', 'repo/local/bytefmt']) await world.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await world.close();
});

test('a model outage during analysis is retried by Temporal, then leaves the issues open for a later campaign with the reason recorded', async () => {
  const started = await startCampaign(world.client, { id: 'outage', forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'llm', wait: true }, { taskQueuePrefix: world.workers.prefix });
  const progress = await started.result();
  assert.equal(progress.analyzed, 0);
  assert.ok(progress.notes.some((n) => /analysis stopped: .*unanalyzed issues stay open for a later campaign/.test(n)), JSON.stringify(progress.notes));
  assert.equal(progress.enqueued, 4, JSON.stringify(progress));
  assert.deepEqual(progress.outcomes, { failed: 4 }, 'each issue failed its own analysis too, and the campaign still completed');

  // Temporal retried: more analysis requests than one attempt's worth reached the model.
  const analysisCalls = world.sim.calls.filter((c) => c.ruleId === null && c.status === 500).length;
  assert.ok(analysisCalls > 3, `analysis was attempted ${analysisCalls} times`);

  // None is marked failed for good: each is open, cooling down, with the outage as its reason.
  const rows = await world.db.pool.query<{ state: string; cooling: boolean; final: string; reason: string }>(
    `SELECT i.state, i.retry_after > now() AS cooling, u.detail->>'final' AS final, u.detail->>'reason' AS reason
       FROM issue_runs u JOIN repositories r ON r.name = u.name JOIN issues i ON i.repository_id = r.id AND i.number = u.issue_number`);
  assert.equal(rows.rows.length, 4);
  for (const r of rows.rows) {
    assert.deepEqual([r.state, r.cooling, r.final], ['open', true, 'false'], JSON.stringify(r));
    assert.ok(r.reason.length > 0);
  }
  const failedForGood = await world.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM issues WHERE state = 'failed'`);
  assert.equal(failedForGood.rows[0]?.n, 0);
});
