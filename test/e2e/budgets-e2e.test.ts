import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCampaign } from '../../src/campaign/start.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { startTestWorkers } from '../helpers/workers.js';
import { exampleScript } from '../../src/examples/demo-script.js';

let db: TestDatabase;
let dir: string;
let sim: LlmStandIn;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

before(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'globallm-budget-'));
  await createExampleRepos(join(dir, 'repos'));
  sim = await startLlmStandIn({ script: exampleScript() });
  workers = await startTestWorkers(db.pool, {
    GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'),
    OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'test', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
    GLOBALLM_BUDGET_LANGUAGE_ISSUES: '1',
  });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection });
});
after(async () => {
  await workers.shutdown();
  await connection.close();
  await sim.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The failure messages of a workflow's failed activities, from its history. */
async function activityFailures(workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const f = e.activityTaskFailedEventAttributes?.failure;
    return f ? [`${f.applicationFailureInfo?.type ?? ''}: ${f.message ?? ''}`] : [];
  });
}

test('the per-language issue cap and the campaign token budget hold in a running campaign', async () => {
  const started = await startCampaign(client, { id: `budget-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 10, analyzer: 'offline', tokenBudget: 1 }, { taskQueuePrefix: workers.prefix });
  const progress = await started.result();
  assert.ok(progress.enqueued >= 2, JSON.stringify(progress));
  let runs: Array<{ workflow_id: string; result: string; reason: string | null }> = [];
  for (let i = 0; i < 400 && runs.length < progress.enqueued; i++) {
    runs = (await db.pool.query<{ workflow_id: string; result: string; reason: string | null }>(
      `SELECT workflow_id, result, detail->>'reason' AS reason FROM issue_runs WHERE campaign = $1 ORDER BY workflow_id`, [started.id])).rows;
    if (runs.length < progress.enqueued) await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(runs.length, progress.enqueued, JSON.stringify(runs));
  const capped = runs.filter((r) => r.result === 'skipped' && /issue budget exhausted for language:/.test(r.reason ?? ''));
  const failed = runs.filter((r) => r.result === 'failed');
  const overBudget: typeof failed = [];
  const seen: string[][] = [];
  for (const r of failed) {
    const failures = await activityFailures(r.workflow_id);
    seen.push(failures);
    if (failures.length === 1 && /^BudgetExhausted: token budget exhausted for campaign .*--token-budget/.test(failures[0] ?? '')) overBudget.push(r);
  }
  assert.ok(capped.length >= 1, `some issues skipped by the language cap: ${JSON.stringify(runs)}`);
  assert.ok(overBudget.length >= 1, `the admitted issues stopped at the campaign's token budget: ${JSON.stringify(seen)}`);
  assert.equal(capped.length + overBudget.length, runs.length, JSON.stringify(runs));
  const counts = await db.pool.query<{ scope: string; used_issues: number }>('SELECT scope, used_issues FROM budget_issue_counts');
  assert.ok(counts.rows.length > 0 && counts.rows.every((c) => c.used_issues === 1), JSON.stringify(counts.rows));
  assert.equal(overBudget.length, counts.rows.length, 'one admitted issue per language');
  assert.equal(sim.calls.length, 0, 'no model call was made past the campaign budget');
  for (const id of ['repo/local/slugkit', 'repo/local/bytefmt']) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
});
