import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCampaign } from '../../src/campaign/start.js';
import { FixResult } from '../../src/fix/schema.js';
import { sharedEnvironmentCache } from '../helpers/fix-pipeline.js';
import { startExampleWorld, type ExampleWorld } from '../helpers/example-world.js';
import { exampleScript } from '../../src/examples/demo-script.js';

// GLOBALLM_FIX_CANDIDATES through the running system: the generate stage writes that many
// candidates, the validate stage — on the sandbox queue — judges every one of them.
let world: ExampleWorld;
before(async () => {
  world = await startExampleWorld(exampleScript(), { GLOBALLM_FIX_CANDIDATES: '2', GLOBALLM_ENV_CACHE_DIR: sharedEnvironmentCache().root });
});
after(() => world.close());

test('every candidate is generated on the LLM queue and validated on the sandbox queue; the best is chosen', async () => {
  const { client, db, workers } = world;
  const started = await startCampaign(client, { id: `validate-stage-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline' }, { taskQueuePrefix: workers.prefix });
  let rows: Array<{ name: string; status: string; result: unknown }> = [];
  for (let i = 0; i < 600 && rows.length < 2; i++) {
    rows = (await db.pool.query<{ name: string; status: string; result: unknown }>(`SELECT name, status, result FROM fix_results WHERE status <> 'generated' ORDER BY name`)).rows;
    if (rows.length < 2) await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual(rows.map((r) => [r.name, r.status]), [['bytefmt', 'pass'], ['slugkit', 'pass']]);
  for (const row of rows) {
    const result = FixResult.parse(row.result);
    assert.equal(result.candidates.length, 2, 'GLOBALLM_FIX_CANDIDATES=2 was honoured');
    assert.ok(result.candidates.every((c) => c.status === 'validated' && c.validation !== null), 'each candidate was judged in the sandbox');
    assert.equal(result.chosen?.verdict, 'pass');
    assert.ok(result.environment, 'the environment the candidates ran in is recorded');
  }
  const history = await client.workflow.getHandle('issue/local/slugkit/1').fetchHistory();
  const queues = new Map<string, string>();
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name && a.taskQueue?.name) queues.set(a.activityType.name, a.taskQueue.name);
  }
  assert.equal(queues.get('generateFix'), `${workers.prefix}-llm`);
  assert.equal(queues.get('validateFix'), `${workers.prefix}-sandbox`);
  for (const id of ['issue/local/slugkit/1', 'issue/local/bytefmt/1', 'repo/local/slugkit', 'repo/local/bytefmt', started.workflowId]) {
    await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
});
