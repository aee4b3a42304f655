// The oracle, end to end: a real task's issue on the local forge, taken through the project's
// own campaign and issue workflows by its real workers, with the LLM stand-in answering the
// task's gold and test change as search/replace edits. Resolved when the opened PR's change
// equals that change.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { startCampaign } from '../../src/campaign/start.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateUp } from '../../src/db/migrate.js';
import { openPool } from '../../src/db/pool.js';
import { startLlmStandIn, type LlmStandIn, type ScriptRule } from '../../src/sim/llm/server.js';
import { freePort } from '../../src/util/ports.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/stack/postgres.js';
import { resolveTemporalBinary } from '../../src/stack/temporal-binary.js';
import { startDevServer, type RunningDevServer } from '../../src/stack/temporal-server.js';
import { prepareNamespace } from '../../src/temporal/namespace-setup.js';
import { startWorkers, type RunningWorkers } from '../../src/workers/start.js';
import { runGit } from '../../src/git/run.js';
import { gitApply } from '../../src/fix/validate/workspace.js';
import { patchAsEdits } from './edits.js';
import { patchFiles, type RealTask } from './tasks.js';


interface Stack {
  dir: string;
  pg: RunningPostgres;
  temporal: RunningDevServer;
  pool: pg.Pool;
  client: Client;
  connection: Connection;
  llm: LlmStandIn;
  workers: RunningWorkers;
  prefix: string;
}

let stack: Promise<Stack> | null = null;

async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'globallm-oracle-'));
  const [pgPort, tPort] = [await freePort(), await freePort()];
  const [pgs, temporal] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort, database: 'globallm_oracle', ephemeral: true }),
    startDevServer({ binary: resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] }), port: tPort, uiPort: 0, headless: true, namespace: 'default' }),
  ]);
  await migrateUp(pgs.url);
  // The project's pool: a connection PostgreSQL ends fails its next query instead of crashing the run.
  const pool = await openPool(pgs.url, { max: 10 });
  const connection = await Connection.connect({ address: temporal.address });
  await prepareNamespace(connection, 'default', 24);
  const llm = await startLlmStandIn({ script: [] });
  const prefix = 'oracle';
  const config = loadConfig({
    ...process.env, GLOBALLM_TASK_QUEUE_PREFIX: prefix, GLOBALLM_STATE_DIR: path.join(dir, 'state'), GLOBALLM_LOCAL_ROOT: path.join(dir, 'repos'),
    GLOBALLM_CACHE_DIR: path.join(dir, 'cache'), OPENAI_BASE_URL: `${llm.url}/v1`, OPENAI_API_KEY: 'oracle', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
    GLOBALLM_LLM_PROVIDER: 'openai', GLOBALLM_LOG_LEVEL: process.env['GLOBALLM_LOG_LEVEL'] ?? 'warn',
    // Every task is its own repository under the one local owner: the per-owner PR cap would stop the run at three.
    GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '1000',
    // Some maintainers' fixes are longer than the default answer: a new language with its tests
    // is about 42,000 tokens of edits, within the 64,000 output tokens current models allow.
    GLOBALLM_FIX_MAX_OUTPUT_TOKENS: '64000',
  });
  const workers = await startWorkers({ address: temporal.address, namespace: 'default', taskQueuePrefix: prefix, pool, config });
  return { dir, pg: pgs, temporal, pool, client: new Client({ connection }), connection, llm, workers, prefix };
}

export async function stopOracleStack(): Promise<void> {
  if (!stack) return;
  const s = await stack;
  stack = null;
  await s.workers.shutdown();
  await s.connection.close();
  await s.llm.close();
  await s.pool.end();
  await Promise.allSettled([s.temporal.stop(), s.pg.stop()]);
  await rm(s.dir, { recursive: true, force: true });
}

/** What the LLM stand-in answers for the task: the gold files to read, then the gold and test change as edits (widened against `base`, the files before the change). */
function script(task: RealTask, title: string, base: Record<string, string | null>): ScriptRule[] {
  const files = patchFiles(task.gold).filter((f) => !/\.min\.js$/.test(f));
  return [
    { id: `${task.id}-files`, match: { tool: 'select_files', contains: title }, respond: { toolUse: { name: 'select_files', input: { files: files.map((p) => ({ path: p, reason: 'the oracle' })) } } } },
    { id: `${task.id}-fix`, match: { tool: 'propose_fix', contains: title }, respond: { toolUse: { name: 'propose_fix', input: { explanation: `The maintainers' fix for ${task.id}, with its tests.`, edits: [...patchAsEdits(task.gold, base), ...patchAsEdits(task.test, base)] } } } },
  ];
}

/** The files the change touches, as they are on `ref` of `repo` (null for absent). */
async function filesAt(repo: string, ref: string, files: string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const f of files) {
    try {
      out[f] = await runGit(['show', `${ref}:${f}`], { cwd: repo });
    } catch {
      out[f] = null;
    }
  }
  return out;
}

const lf = (text: string | null): string | null => text?.replace(/\r\n/g, '\n') ?? null;

/**
 * Runs one task's oracle through the project's workflows and compares the PR it opened: true
 * when it carries exactly the gold and test change, byte for byte (line endings included).
 */
export async function runOracle(task: RealTask, baseCheckout: string): Promise<boolean> {
  stack ??= startStack();
  const s = await stack;
  const name = task.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const repo = path.join(s.dir, 'repos', name);
  await runGit(['clone', '--quiet', '--', baseCheckout, repo], { allowProtocols: ['file'] });
  await runGit(['checkout', '--quiet', '-B', 'main', task.meta.base_commit], { cwd: repo });
  const title = task.problem.split('\n').find((l) => l.trim())?.replace(/^#+\s*/, '').slice(0, 200) ?? task.id;
  const now = new Date().toISOString();
  await mkdir(path.join(repo, '.globallm'), { recursive: true });
  await writeFile(path.join(repo, '.globallm', 'issues.jsonl'), `${JSON.stringify({ number: 1, title, body: task.problem, labels: ['bug'], createdAt: now, author: 'reporter' })}\n`);
  const base = await filesAt(repo, 'HEAD', [...new Set([...patchFiles(task.gold), ...patchFiles(task.test)])]);
  for (const rule of script(task, title, base)) s.llm.addRule(rule);

  const started = await startCampaign(s.client, { id: `oracle-${name}`, forge: 'local', minStars: 0, maxRepos: 100, maxIssues: 100, analyzer: 'offline' }, { taskQueuePrefix: s.prefix });
  let pr: { branch: string } | undefined;
  let outcome: string | undefined;
  for (let i = 0; i < 3600 && !pr && !outcome; i++) {
    pr = (await s.pool.query<{ branch: string }>(`SELECT branch FROM pull_requests WHERE name = $1 AND issue_number = 1`, [name])).rows[0];
    outcome = (await s.pool.query<{ result: string; detail: unknown }>(`SELECT result, detail FROM issue_runs WHERE workflow_id = $1 AND result <> 'pr_opened'`, [`issue/local/${name}/1`])).rows.map((r) => `${r.result}: ${JSON.stringify(r.detail).slice(0, 400)}`)[0];
    if (!pr && !outcome) await new Promise((r) => setTimeout(r, 500));
  }
  await s.client.workflow.getHandle(started.workflowId).terminate('oracle done').catch(() => undefined);
  await s.client.workflow.getHandle(`issue/local/${name}/1`).terminate('oracle done').catch(() => undefined);
  await s.client.workflow.getHandle(`repo/local/${name}`).terminate('oracle done').catch(() => undefined);
  if (!pr) {
    process.stderr.write(`${task.id} [oracle]: no PR (${outcome ?? 'timed out'})\n`);
    return false;
  }
  // The expected tree: base + test + gold, applied with git.
  const expected = await mkdtemp(path.join(tmpdir(), 'globallm-oracle-expected-'));
  try {
    await runGit(['clone', '--quiet', '--', baseCheckout, expected], { allowProtocols: ['file'] });
    await runGit(['checkout', '--quiet', task.meta.base_commit], { cwd: expected });
    const tp = path.join(expected, '..', `${path.basename(expected)}.t.patch`);
    const gp = path.join(expected, '..', `${path.basename(expected)}.g.patch`);
    await writeFile(tp, task.test);
    await writeFile(gp, task.gold);
    if (await gitApply(expected, tp) ?? await gitApply(expected, gp)) throw new Error('the task\'s patches do not apply');
    await rm(tp, { force: true });
    await rm(gp, { force: true });
    const files = [...new Set([...patchFiles(task.gold), ...patchFiles(task.test)])];
    const want: Record<string, string | null> = {};
    for (const f of files) want[f] = await readFile(path.join(expected, f), 'utf8').catch(() => null);
    const got = await filesAt(repo, pr.branch, files);
    const differing = files.filter((f) => got[f] !== want[f]);
    const changed = (await runGit(['diff', '--name-only', `${task.meta.base_commit}...${pr.branch}`], { cwd: repo })).split('\n').filter(Boolean).sort();
    const onlyThose = JSON.stringify(changed) === JSON.stringify([...files].sort());
    if (differing.length === 0 && onlyThose) return true;
    const eolOnly = onlyThose && differing.every((f) => lf(got[f] ?? null) === lf(want[f] ?? null));
    process.stderr.write(`${task.id} [oracle]: PR differs${eolOnly ? ' only in line endings' : ''} (${differing.join(', ') || `files ${changed.join(', ')}`})\n`);
    return false;
  } finally {
    await rm(expected, { recursive: true, force: true });
  }
}
