// Records workflow histories of real runs as replay fixtures (test/fixtures/histories/*.json):
//   node --import tsx scripts/record-histories.ts [--suffix=NAME]
// (--suffix names the files `<workflow>__NAME.json`, keeping the fixtures of earlier code beside them)
// Starts a throwaway PostgreSQL and Temporal dev server, runs a campaign over the example
// repositories on the local forge (no model: analysis offline, the fix stage reports it needs one),
// pauses and resumes a repository, then saves each workflow's history. The replay test runs them
// through the current workflow code on every test run, so a change that breaks determinism fails.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { startDevServer } from '../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { migrateUp } from '../src/db/migrate.js';
import { loadConfig } from '../src/config/load.js';
import { startWorkers } from '../src/workers/start.js';
import { createExampleRepos } from '../src/examples/create.js';
import { startCampaign } from '../src/campaign/start.js';
import { pauseSignal, repoStatusQuery, resumeSignal } from '../src/workflows/shared.js';
import { prepareNamespace } from '../src/temporal/namespace-setup.js';

const out = join(projectRoot, 'test', 'fixtures', 'histories');
const suffixFlag = process.argv.slice(2).find((a) => a.startsWith('--suffix='))?.slice('--suffix='.length);
if (suffixFlag !== undefined && !/^[a-z0-9-]+$/.test(suffixFlag)) {
  process.stderr.write('--suffix takes lower-case letters, digits and dashes\n');
  process.exit(2);
}
const suffix = suffixFlag ? `__${suffixFlag}` : '';
const dir = mkdtempSync(join(tmpdir(), 'globallm-record-'));
const [pgPort, tPort] = [await freePort(), await freePort()];
const [db, temporal] = await Promise.all([
  startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: pgPort, database: 'globallm_record', ephemeral: true }),
  startDevServer({ binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }), port: tPort, uiPort: 0, headless: true, namespace: 'default' }),
]);
try {
  await migrateUp(db.url);
  const pool = new pg.Pool({ connectionString: db.url });
  pool.on('error', () => {});
  await createExampleRepos(join(dir, 'repos'), new Date('2026-11-01T00:00:00Z'));
  const config = loadConfig({ GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'), GLOBALLM_TASK_QUEUE_PREFIX: 'replay' });
  const connection = await Connection.connect({ address: temporal.address });
  await prepareNamespace(connection, 'default', 24);
  const workers = await startWorkers({ address: temporal.address, namespace: 'default', taskQueuePrefix: 'replay', pool, config });
  const client = new Client({ connection });
  const campaign = await startCampaign(client, { id: 'replay', forge: 'local', minStars: 0, maxRepos: 5, maxIssues: 10, analyzer: 'offline', wait: true }, { taskQueuePrefix: 'replay' });
  const repo = client.workflow.getHandle('repo/local/slugkit');
  for (let i = 0; i < 600; i++) {
    try { await repo.describe(); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  await repo.signal(pauseSignal, { reason: 'recording a pause' });
  await repo.signal(resumeSignal, { reason: 'recording a resume' });
  const progress = await campaign.result();
  await repo.query(repoStatusQuery);
  const ids = [campaign.workflowId, 'repo/local/slugkit', 'issue/local/slugkit/1', 'issue/local/bytefmt/1'];
  mkdirSync(out, { recursive: true });
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const file = join(out, `${id.replaceAll('/', '__')}${suffix}.json`);
    writeFileSync(file, `{"workflowId": ${JSON.stringify(id)}, "history": ${historyToJSON(history)}}\n`);
    process.stdout.write(`saved ${file} (${history.events?.length ?? 0} events)\n`);
  }
  process.stdout.write(`campaign outcomes: ${JSON.stringify(progress.outcomes)}\n`);
  for (const id of ['repo/local/slugkit', 'repo/local/bytefmt']) await client.workflow.getHandle(id).terminate('recorded');
  await workers.shutdown();
  await connection.close();
  await pool.end();
} finally {
  await Promise.allSettled([temporal.stop(), db.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
