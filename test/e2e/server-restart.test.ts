import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase } from '../helpers/db.js';
import { startDevServer, type RunningDevServer } from '../../src/stack/temporal-server.js';
import { freePort } from '../../src/util/ports.js';
import { prepareNamespace } from '../../src/temporal/namespace-setup.js';
import { loadConfig } from '../../src/config/load.js';
import { startWorkers } from '../../src/workers/start.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { startCampaign } from '../../src/campaign/start.js';
import { campaignProgressQuery } from '../../src/workflows/campaign.js';

const cleanups: Array<() => Promise<unknown>> = [];
after(async () => { for (const c of cleanups.reverse()) await c().catch(() => undefined); });

test('a campaign completes when the Temporal dev server restarts in the middle of it (persistent db file)', async () => {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  const dir = await mkdtemp(join(tmpdir(), 'globallm-restart-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await createExampleRepos(join(dir, 'repos'));
  const port = await freePort();
  const serverOptions = { binary: process.env['GLOBALLM_TEST_TEMPORAL_CLI'] as string, port, uiPort: 0, headless: true, namespace: 'default', dbFile: join(dir, 'temporal.db') };
  let server: RunningDevServer = await startDevServer(serverOptions);
  cleanups.push(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  await prepareNamespace(connection, 'default', 24);
  const config = loadConfig({ GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'), GLOBALLM_TASK_QUEUE_PREFIX: 'restart' });
  const workers = await startWorkers({ address: server.address, namespace: 'default', taskQueuePrefix: 'restart', pool: db.pool, config });
  cleanups.push(() => workers.shutdown());
  const client = new Client({ connection });
  const started = await startCampaign(client, { id: 'restart', forge: 'local', minStars: 0, maxRepos: 5, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: 'restart' });

  // Restart once the campaign has fanned out and issues are being worked.
  const deadline = Date.now() + 60_000;
  while ((await client.workflow.getHandle(started.workflowId).query(campaignProgressQuery)).enqueued === 0) {
    assert.ok(Date.now() < deadline, 'the campaign fans out');
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.stop();
  server = await startDevServer(serverOptions);

  const progress = await started.result();
  assert.equal(progress.phase, 'done');
  assert.equal(progress.enqueued, 4);
  assert.equal(progress.finished, 4, 'every issue finished across the restart');
  assert.deepEqual(progress.outcomes, { no_fix: 4 }, 'without a model each issue ends with "no fix", none lost');
  const runs = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM issue_runs WHERE campaign = 'restart'`);
  assert.equal(runs.rows[0]?.n, 4);
  await connection.close();
});
