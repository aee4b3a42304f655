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

let db: TestDatabase;
let dir: string;
let sim: LlmStandIn;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
let connection: Connection;
let client: Client;

const item = (ref: number) => ({ ref, cat: 'bug', crit: false, cx: 3, solv: 7, files: [], risk: 'low', test: true, conf: 8, why: 'a defect with a clear expected behaviour' });

before(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'globallm-batch-'));
  await createExampleRepos(join(dir, 'repos'));
  // Each example repository has two open, unclaimed issues: one call answers all four.
  sim = await startLlmStandIn({ script: [{ id: 'triage', match: { tool: 'triage' }, respond: { toolUse: { name: 'triage', input: { a: [item(1), item(2), item(3), item(4)] } } } }] });
  workers = await startTestWorkers(db.pool, {
    GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'),
    OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'test', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
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

test("a campaign's analysis puts its issues, across repositories, in one model call: each repository charged its share, all to the campaign", async () => {
  const started = await startCampaign(client, { id: `batch-${Date.now()}`, forge: 'local', minStars: 0, maxRepos: 10, maxIssues: 1, analyzer: 'llm', dryRun: true, tokenBudget: 1_000_000 }, { taskQueuePrefix: workers.prefix });
  const progress = await started.result();
  assert.equal(progress.analyzed, 4, JSON.stringify(progress));
  assert.equal(progress.analyzer, 'llm:gpt-4.1-mini');
  const triage = sim.calls.filter((c) => c.ruleId === 'triage');
  assert.equal(triage.length, 1, 'one call for both repositories, not one per issue or per repository');
  const stored = await db.pool.query<{ analyzer: string; n: number }>(`SELECT analysis->>'analyzer' AS analyzer, count(*)::int AS n FROM issues WHERE analyzed_at IS NOT NULL GROUP BY 1`);
  assert.deepEqual(stored.rows, [{ analyzer: 'llm:gpt-4.1-mini', n: 4 }]);
  const charged = await db.pool.query<{ n: number; keyed: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE call_key LIKE $2)::int AS keyed FROM budget_reservations WHERE campaign = $1 AND state = 'settled'`,
    [started.id, `campaign/${started.id}|%`]);
  assert.deepEqual(charged.rows[0], { n: 2, keyed: 2 }, "each repository's share of the call settled once, keyed by its workflow and activity, charged to the campaign");
  for (const id of ['repo/local/slugkit', 'repo/local/bytefmt']) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  for (const wf of ['slugkit', 'bytefmt']) for (const n of [1, 2]) await client.workflow.getHandle(`issue/local/${wf}/${n}`).terminate('test over').catch(() => undefined);
});
