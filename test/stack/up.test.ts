import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { projectRoot } from '../../src/util/project-root.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../src/util/ports.js';
import { pidAlive } from '../../src/util/pid-alive.js';
import { runCli, startCliUntilReady } from '../helpers/cli.js';

const state = mkdtempSync(join(tmpdir(), 'globallm-up-'));
after(() => rmSync(state, { recursive: true, force: true }));

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    GLOBALLM_STATE_DIR: state,
    GLOBALLM_PG_PORT: String(await freePort()),
    GLOBALLM_TEMPORAL_PORT: String(await freePort()),
    GLOBALLM_TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_CLI_PATH: process.env['GLOBALLM_TEST_TEMPORAL_CLI'],
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
  };
}

function childPids(): number[] {
  const recorded = JSON.parse(readFileSync(join(state, 'stack.json'), 'utf8')) as { children: Record<string, number> };
  return Object.values(recorded.children);
}

describe('globallm up on the embedded default stack', () => {
  test('starts every part, survives SIGKILL with its data, and stops cleanly on SIGTERM', async () => {
    const env = await stackEnv();
    const first = await startCliUntilReady(['up'], env);
    assert.match(first.readyLine, /ready/);
    assert.match(first.readyLine, /web-ui=http:\/\/127\.0\.0\.1:\d+/);
    assert.match(first.readyLine, /database=postgres:\/\/postgres:\*\*\*@/);
    const reportUrl = /report=(http:\/\/127\.0\.0\.1:\d+\/)/.exec(first.readyLine)?.[1];
    assert.ok(reportUrl, first.readyLine);
    const page = await fetch(reportUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>GlobaLLM report<\/title>/);
    assert.equal((await fetch(`${reportUrl}?campaign=Bad%20Id`)).status, 400, 'a malformed campaign id is refused');
    const password = readFileSync(join(state, 'postgres.password'), 'utf8').trim();
    assert.ok(!first.readyLine.includes(password), 'the ready line must not show the password');

    const status = await runCli(['status', '--json'], env);
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { healthy: boolean; checks: Array<{ name: string; ok: boolean }>; migration: string };
    assert.equal(parsed.healthy, true);
    assert.deepEqual(parsed.checks.filter((c) => !c.ok), []);
    assert.ok(parsed.checks.some((c) => c.name === 'pollers:globallm-core'));
    const newest = readdirSync(join(projectRoot, 'migrations')).filter((f) => f.endsWith('.sql')).sort().at(-1)?.replace(/\.sql$/, '');
    assert.equal(parsed.migration, newest, 'every migration applied');

    const doctor = await runCli(['doctor', '--json'], env);
    assert.equal(doctor.code, 0, doctor.stderr);
    const report = JSON.parse(doctor.stdout) as { ok: boolean; workflowId: string; hops: Array<{ name: string; ok: boolean }> };
    assert.equal(report.ok, true);
    assert.ok(report.hops.some((h) => h.name.includes('database write') && h.ok));

    const second = await runCli(['up'], env, { timeoutMs: 30_000 });
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /already running/);

    // SIGKILL leaves postgres and temporal orphaned; the next up must stop them and keep the data.
    const orphans = childPids();
    first.child.kill('SIGKILL');
    await first.exited;
    const again = await startCliUntilReady(['up'], env);
    for (const pid of orphans) assert.equal(pidAlive(pid), false, `orphan ${pid} should have been stopped`);
    const url = (JSON.parse(readFileSync(join(state, 'stack.json'), 'utf8')) as { databaseUrl: string }).databaseUrl;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM doctor_checks');
    await client.end();
    assert.equal(rows.rows[0]?.n, 1, 'the row the doctor wrote survives the restart');
    const connection = await Connection.connect({ address: `127.0.0.1:${env['GLOBALLM_TEMPORAL_PORT']}` });
    const described = await new Client({ connection }).workflow.getHandle(report.workflowId).describe();
    assert.equal(described.status.name, 'COMPLETED', 'the doctor workflow survives the restart');
    const schedules: string[] = [];
    for await (const sch of new Client({ connection }).schedule.list()) schedules.push(sch.scheduleId);
    assert.deepEqual(schedules.sort(), ['globallm-discovery', 'globallm-reprioritize'], 'schedules exist once, after two start-ups');
    const discovery = await new Client({ connection }).schedule.getHandle('globallm-discovery').describe();
    assert.equal(discovery.state.paused, true, 'discovery waits for a GitHub token');
    await connection.close();

    const running = childPids();
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);
    for (const pid of running) assert.equal(pidAlive(pid), false, `child ${pid} must be stopped on SIGTERM`);
  });
});
