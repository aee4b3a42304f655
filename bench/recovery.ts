// `npm run bench -- recovery`: a worker dies (SIGKILL) in the middle of a heartbeating fix
// activity; prints recovery_s, the time until another worker has resumed that activity.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startEmbeddedPostgres } from '../src/stack/postgres.js';
import { startDevServer } from '../src/stack/temporal-server.js';
import { resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { buildCli } from '../scripts/build-cli.js';
import { migrateUp } from '../src/db/migrate.js';
import { prepareNamespace } from '../src/temporal/namespace-setup.js';
import { createExampleRepos } from '../src/examples/create.js';
import { startCampaign } from '../src/campaign/start.js';
import { startLlmStandIn } from '../src/sim/llm/server.js';

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), 'worker'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (c: Buffer) => { if (c.toString().includes('polling')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

const waitFor = async (fn: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

export default async function recovery(): Promise<void> {
  buildCli(); // the workers run the compiled CLI
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-recovery-'));
  const [db, temporal, sim] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, database: 'globallm_bench', ephemeral: true })),
    freePort().then((port) => startDevServer({ binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }), port, uiPort: 0, headless: true, namespace: 'default' })),
    // The model's first answer never comes (the worker holding the call dies); later ones are quick.
    startLlmStandIn({ script: [
      { id: 'stuck', match: { tool: 'select_files' }, times: 1, respond: { fault: 'slow', delayMs: 600_000 } },
      { id: 'files', match: { tool: 'select_files' }, respond: { toolUse: { name: 'select_files', input: { files: [{ path: 'src/slug.js', reason: 'named' }] } } } },
      { id: 'fix', match: { tool: 'propose_fix' }, respond: { toolUse: { name: 'propose_fix', input: { explanation: 'collapse separators', edits: [{ path: 'src/slug.js', search: ".replace(/[^a-z0-9]/g, '-');", replace: ".replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');" }] } } } },
    ] }),
  ]);
  const workers: ChildProcess[] = [];
  try {
    await migrateUp(db.url);
    await createExampleRepos(join(dir, 'repos'));
    const connection = await Connection.connect({ address: temporal.address });
    await prepareNamespace(connection, 'default', 24);
    const client = new Client({ connection });
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.address, GLOBALLM_TASK_QUEUE_PREFIX: 'recovery',
      GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'),
      OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'bench', GLOBALLM_LOG_LEVEL: 'error',
    };
    delete env['ANTHROPIC_API_KEY'];
    delete env['ANTHROPIC_BASE_URL'];
    workers.push(await startWorker(env));
    await startCampaign(client, { id: 'recovery', forge: 'local', minStars: 0, maxRepos: 1, maxIssues: 1, analyzer: 'offline' }, { taskQueuePrefix: 'recovery' });
    const localizeCalls = (): number => sim.calls.filter((c) => JSON.stringify(c.body).includes('select_files')).length;
    await waitFor(() => localizeCalls() >= 1, 120_000, 'the first model call');
    workers.push(await startWorker(env)); // the survivor, already polling
    const killedAt = performance.now();
    workers[0]?.kill('SIGKILL');
    await waitFor(() => localizeCalls() >= 2, 180_000, 'another worker resuming the fix activity');
    const recoveryS = (performance.now() - killedAt) / 1000;
    process.stdout.write(`heartbeat_timeout_s=20\nrecovery_s=${recoveryS.toFixed(1)}\n`);
    await connection.close();
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await sim.close();
    await Promise.allSettled([temporal.stop(), db.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
