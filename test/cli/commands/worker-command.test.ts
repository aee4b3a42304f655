// `globallm worker` started before the servers it needs: it waits for them, says so, starts polling
// once they answer, stops cleanly on a signal while waiting, and gives up at once on a refusal
// that waiting cannot mend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../src/util/project-root.js';
import { freePort } from '../../../src/util/ports.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { testTemporalAddress } from '../../helpers/temporal.js';

let db: TestDatabase;
let state: string;
before(async () => {
  db = await createTestDatabase();
  state = mkdtempSync(join(tmpdir(), 'globallm-worker-wait-'));
});
after(async () => {
  await db.drop();
  rmSync(state, { recursive: true, force: true });
});

interface Worker { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> }

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), 'worker'], {
    env: { ...process.env, GLOBALLM_STATE_DIR: state, GLOBALLM_LOG_LEVEL: 'info', GLOBALLM_LOG_FORMAT: 'json', GLOBALLM_METRICS_PORT: '0', GLOBALLM_TASK_QUEUE_PREFIX: `wait-${process.pid}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // A worker that outlives its test is killed, whatever the test asserted.
  after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until(fn: () => boolean, what: string, w: Worker, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${w.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP forwarder to `target`, listening on `port` once started: Temporal "comes up" there. */
function forwarder(port: number, target: string): Promise<Server> {
  const [host, targetPort] = target.split(':') as [string, string];
  const server = createServer((socket) => {
    const upstream = connect(Number(targetPort), host);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

test('a worker started before Temporal waits for it, then polls once it answers', async () => {
  const port = await freePort();
  const w = startWorker({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
  await until(() => /Temporal is not reachable yet; trying again/.test(w.stderr()), 'the worker to say it waits for Temporal', w);
  assert.equal(w.child.exitCode, null, 'still running while Temporal is away');
  assert.doesNotMatch(w.stdout(), /polling/);
  const server = await forwarder(port, testTemporalAddress());
  try {
    await until(() => /polling .*-core/.test(w.stdout()), 'the worker to poll', w);
    w.child.kill('SIGTERM');
    assert.equal(await w.exited, 0, w.stderr());
  } finally {
    server.close();
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  }
});

test('a worker waiting for PostgreSQL stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const w = startWorker({ DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/globallm`, TEMPORAL_ADDRESS: testTemporalAddress() });
  await until(() => (w.stderr().match(/PostgreSQL is not reachable yet/g) ?? []).length >= 2, 'two tries at PostgreSQL', w);
  w.child.kill('SIGTERM');
  assert.equal(await w.exited, 0, w.stderr());
  assert.doesNotMatch(w.stdout(), /polling/);
});

test('a PostgreSQL that refuses (no such database) stops the worker at once with the reason', async () => {
  const u = new URL(db.url);
  u.pathname = '/globallm_test_no_such_database';
  const w = startWorker({ DATABASE_URL: u.toString(), TEMPORAL_ADDRESS: testTemporalAddress() });
  const code = await w.exited;
  assert.notEqual(code, 0);
  assert.match(w.stderr(), /globallm_test_no_such_database/);
  assert.doesNotMatch(w.stderr(), /trying again/);
});
