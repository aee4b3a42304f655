// The compose topology without a container engine: the services docker-compose.yml builds from
// this project run as processes, with the commands and environment the file declares, against
// the suite's PostgreSQL and Temporal server (in the places of its `postgres` and `temporal`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Long from 'long';
import proto from '@temporalio/proto';
import { Client, Connection } from '@temporalio/client';
import { createExampleRepos } from '../../src/examples/create.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { startCampaign } from '../../src/campaign/start.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/search-attributes.js';
import { DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID } from '../../src/campaign/schedules.js';
import type { CampaignProgress } from '../../src/workflows/campaign.js';
import { testServerUrl } from '../helpers/db.js';
import { testTemporalAddress } from '../helpers/temporal.js';
import { readCompose, runService, serviceEnv, waitForOutput, type ServiceProcess } from '../helpers/compose.js';

const compose = readCompose();
/** The services built from this project, by what the others wait for: one-shot jobs first, then the long-running ones. */
const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const oneShot = built.filter(([name]) => built.some(([, s]) => s.depends_on?.[name]?.condition === 'service_completed_successfully'));
const longRunning = built.filter((entry) => !oneShot.includes(entry));

const namespace = `compose-${randomBytes(4).toString('hex')}`;
const database = `globallm_test_compose_${randomBytes(4).toString('hex')}`;
const dbPassword = randomBytes(12).toString('hex');
let dir: string;
let llm: LlmStandIn;
let connection: Connection;
let client: Client;
const running: ServiceProcess[] = [];

/** The admin connection to the suite's PostgreSQL server. */
async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: testServerUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A service's container environment here: `postgres:5432` and `temporal:7233` are the suite's, the namespace a fresh one (a cluster of its own). */
function envOf(name: string, instance: number): Record<string, string> {
  const service = compose.services[name];
  assert.ok(service, name);
  const pgUrl = new URL(testServerUrl());
  // The shell that runs `docker compose`: the database password it requires, the stand-in model as OPENAI_BASE_URL, every other variable unset (the file's defaults).
  const vars = { GLOBALLM_DB_PASSWORD: dbPassword, OPENAI_BASE_URL: `${llm.url}/v1`, GLOBALLM_LOG_LEVEL: 'warn' };
  const env = serviceEnv(service, vars, { 'postgres:5432/globallm': `${pgUrl.host}/${database}`, 'temporal:7233': testTemporalAddress() });
  assert.equal(env['TEMPORAL_NAMESPACE'], 'default');
  return {
    ...env,
    TEMPORAL_NAMESPACE: namespace,
    // A published port per container under --scale; here the processes share one host.
    ...(env['GLOBALLM_METRICS_PORT'] ? { GLOBALLM_METRICS_PORT: '0' } : {}),
    // The image's state folder (Dockerfile), one per container; the local forge's repositories, shared as a volume would be.
    GLOBALLM_STATE_DIR: join(dir, `state-${name}-${instance}`),
    GLOBALLM_LOCAL_ROOT: join(dir, 'repos'),
  };
}

/** Runs a service to its end: its own command, or (as `docker compose run <service> …`) `args` in place of its subcommand. */
async function runToEnd(name: string, args: string[] = [], instance = 0): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const own = compose.services[name]?.command ?? [];
  const command = args.length > 0 ? [...own.slice(0, 2), ...args] : own;
  const p = runService(command, envOf(name, instance));
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'globallm-compose-'));
  await createExampleRepos(join(dir, 'repos'));
  llm = await startLlmStandIn({ script: exampleScript() });
  // The compose file's PostgreSQL user, with the password the shell gives, owning an empty database.
  await admin(async (c) => {
    await c.query(`DO $$ BEGIN CREATE ROLE globallm LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await c.query(`ALTER ROLE globallm PASSWORD '${dbPassword}'`);
    await c.query(`CREATE DATABASE ${database} OWNER globallm`);
  });
  connection = await Connection.connect({ address: testTemporalAddress() });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } });
  for (let i = 0; i < 100; i++) {
    const ok = await connection.operatorService.listSearchAttributes({ namespace }).then(() => true, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  client = new Client({ connection, namespace });
});

after(async () => {
  for (const p of running) p.child.kill('SIGTERM');
  await Promise.all(running.map((p) => p.exited));
  if (client) {
    for await (const wf of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) await client.workflow.getHandle(wf.workflowId).terminate('test over').catch(() => undefined);
    for (const id of [DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID]) await client.schedule.getHandle(id).delete().catch(() => undefined);
  }
  await connection?.close();
  await llm?.close();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the compose file builds a one-shot setup job and long-running workers, and asks for a database password', () => {
  assert.deepEqual(oneShot.map(([n]) => n), ['setup']);
  assert.deepEqual(longRunning.map(([n]) => n), ['worker']);
  // A default password would be a value every PR contains ("globallm"), which the credential check refuses to publish.
  assert.throws(() => serviceEnv(compose.services['worker'] ?? {}, {}, {}), /GLOBALLM_DB_PASSWORD/);
});

test('a fresh cluster refuses a campaign, and has no schedule to change, until setup', async () => {
  await assert.rejects(
    startCampaign(client, { id: 'before-setup', forge: 'local', minStars: 0, analyzer: 'offline' }, { taskQueuePrefix: 'globallm' }),
    (err: Error) => /no mapping defined for search attribute GlobaLLM/.test(String((err.cause as Error | undefined)?.message)),
  );
  const schedule = await runToEnd('worker', ['schedule', 'discovery', '--forge', 'local']);
  assert.equal(schedule.code, 2, schedule.stderr);
  assert.match(schedule.stderr, /no schedule globallm-discovery on this cluster: run `globallm setup` first/);
});

/** What setup leaves on the cluster: search attributes, retention and schedules (as the server describes them). */
async function clusterState(): Promise<unknown> {
  const attrs = await connection.operatorService.listSearchAttributes({ namespace });
  const ns = await connection.workflowService.describeNamespace({ namespace });
  const schedules = await Promise.all([DISCOVERY_SCHEDULE_ID, REPRIORITIZE_SCHEDULE_ID].map(async (id) => {
    const d = await client.schedule.getHandle(id).describe();
    return { id, spec: d.spec, action: d.action, paused: d.state.paused, note: d.state.note };
  }));
  return { attributes: Object.keys(attrs.customAttributes ?? {}).sort(), retention: Number(ns.config?.workflowExecutionRetentionTtl?.seconds ?? 0), schedules };
}

test('setup, run twice, leaves the same cluster: migrations, search attributes, retention, schedules', async () => {
  const first = await runToEnd('setup');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^migrations: applied 0001_initial/m);
  assert.match(first.stdout, new RegExp(`^search attributes: added ${Object.keys(SEARCH_ATTRIBUTE_TYPES).join(', ')}$`, 'm'));
  assert.match(first.stdout, /^retention: 720h \(raised\)$/m);
  assert.match(first.stdout, /^schedules: globallm-discovery, globallm-reprioritize$/m);
  const after1 = await clusterState();

  const second = await runToEnd('setup');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^migrations: up to date$/m);
  assert.match(second.stdout, /^search attributes: all registered$/m);
  assert.match(second.stdout, /^retention: 720h$/m);
  assert.deepEqual(await clusterState(), after1);
  const discovery = (after1 as { schedules: Array<{ id: string; paused: boolean }> }).schedules[0];
  assert.equal(discovery?.paused, true, 'discovery on GitHub waits for a token');
});

test('two workers from the worker service run a campaign to the end', async () => {
  const [[name, worker]] = longRunning as [[string, { command?: string[] }]];
  for (let i = 0; i < 2; i++) {
    const p = runService(worker.command ?? [], envOf(name, i));
    running.push(p);
    await waitForOutput(p, /polling \S+-core/);
  }
  const queue = await connection.workflowService.describeTaskQueue({
    namespace, taskQueue: { name: 'globallm-core' }, taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  assert.equal(new Set((queue.pollers ?? []).map((p) => p.identity)).size, 2, JSON.stringify(queue.pollers));

  // As `docker compose run worker node bin/globallm.js campaign start …` would.
  const run = await runToEnd(name, ['campaign', 'start', '--forge', 'local', '--id', 'compose', '--min-stars', '0', '--max-repos', '10', '--max-issues', '10', '--analyzer', 'offline', '--wait', '--json'], 9);
  assert.equal(run.code, 0, run.stderr);
  const final = JSON.parse(run.stdout) as CampaignProgress;
  const url = new URL(testServerUrl());
  url.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const runs = (await db.query<{ workflow_id: string; result: string; detail: unknown }>('SELECT workflow_id, result, detail FROM issue_runs ORDER BY workflow_id')).rows;
    const why = `${run.stdout}\n${JSON.stringify(runs, null, 1)}`;
    assert.equal(final.phase, 'done', why);
    assert.equal(final.repos, 2, why);
    assert.ok(final.enqueued > 0, why);
    assert.equal(final.finished, final.enqueued, why);
    assert.equal(final.outcomes.pr_opened, 2, why);
    const prs = (await db.query<{ name: string; issue_number: number }>('SELECT name, issue_number FROM pull_requests ORDER BY name')).rows;
    assert.deepEqual(prs.map((p) => [p.name, p.issue_number]), [['bytefmt', 1], ['slugkit', 1]]);
  } finally {
    await db.end();
  }
});
