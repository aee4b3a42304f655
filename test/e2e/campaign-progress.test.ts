import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { startTestWorkers } from '../helpers/workers.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
let dir: string;
let workers: Awaited<ReturnType<typeof startTestWorkers>>;
before(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'globallm-wait-'));
  await createExampleRepos(join(dir, 'repos'));
  // No model: every issue finishes at the fix stage (no_fix), so the campaign completes.
  workers = await startTestWorkers(db.pool, { GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache') });
});
after(async () => { await workers.shutdown(); await db.drop(); await rm(dir, { recursive: true, force: true }); });

/** Runs a command line on a pseudo-terminal without blocking this process (its workers must keep running). */
function onTerminal(commandLine: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; seen: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', commandLine, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    child.stdout.on('data', (c: Buffer) => { seen += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { seen += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, seen }); });
  });
}

test('campaign start --wait shows finished over enqueued issues on a terminal', async () => {
  const id = `wait-${Date.now()}`;
  const cmd = `'${process.execPath}' '${join(projectRoot, 'bin', 'globallm.js')}' campaign start --id ${id} --forge local --min-stars 0 --analyzer offline --wait > '${join(dir, 'out.txt')}'`;
  const env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: testTemporalAddress(), GLOBALLM_TASK_QUEUE_PREFIX: workers.prefix };
  const r = await onTerminal(cmd, env, 180_000);
  assert.equal(r.code, 0, r.seen);
  assert.match(r.seen, new RegExp(`campaign ${id} \\[.*\\] 4/4 done`), r.seen.slice(-2000));
});
