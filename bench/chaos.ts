// `npm run bench -- chaos [--forge github|local] [--kills N] [--seed S] [--issues N] [--pg-restarts N] [--temporal-restarts N] [--timeout-s N] [--keep] [--temporal dev|sql]`:
// a campaign on seeded repositories (on the GitHub stand-in, or the local forge), run by worker
// processes that are SIGKILLed at stages chosen by the seed, while PostgreSQL and the Temporal server
// (the dev server, or Temporal's own server on PostgreSQL with --temporal sql) restart, GitHub and the model misbehave; prints what was lost, duplicated or overspent,
// and how long recoveries took.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { buildCli } from '../scripts/build-cli.js';
import { migrateUp } from '../src/db/migrate.js';
import { prepareNamespace } from '../src/temporal/namespace-setup.js';
import { startCampaign } from '../src/campaign/start.js';
import type { CampaignProgress } from '../src/workflows/campaign.js';
import { parseChaosArgs, type ChaosArgs } from './chaos/args.js';
import { faultSchedule } from './chaos/schedule.js';
import { createChaosRepos } from './chaos/repos.js';
import { PartFailed, RestartableServices, startPart } from './chaos/services.js';
import { WorkerSupervisor } from './chaos/workers.js';
import { startChaosLlm, type ChaosLlm } from './chaos/llm.js';
import { FaultInjector } from './chaos/injector.js';
import { budgetDrift, duplicates, lostIssues, writeLimitExceeded } from './chaos/audit.js';
import { deleteOpenRepo, githubDuplicates, startChaosGitHub, type ChaosGitHub } from './chaos/github.js';

const WORKERS = 2;
const PREFIX = 'chaos';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Stand { dir: string; services: RestartableServices; llm?: ChaosLlm; github?: ChaosGitHub; workers?: WorkerSupervisor; connection?: Connection; pool?: pg.Pool }

function workerEnv(dir: string, services: RestartableServices, llm: ChaosLlm, issues: number, github: ChaosGitHub | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Every repository is the local forge's owner's: its cap would otherwise keep most issues from open_pr.
    GLOBALLM_MAX_OPEN_PRS_PER_OWNER: String(issues), DATABASE_URL: services.databaseUrl, TEMPORAL_ADDRESS: services.temporalAddress, GLOBALLM_TASK_QUEUE_PREFIX: PREFIX,
    GLOBALLM_STATE_DIR: join(dir, 'state'), GLOBALLM_LOCAL_ROOT: join(dir, 'repos'), GLOBALLM_CACHE_DIR: join(dir, 'cache'),
    OPENAI_BASE_URL: `${llm.sim.url}/v1`, OPENAI_API_KEY: 'chaos', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini', GLOBALLM_OPENAI_STORE_COMPLETIONS: 'true', GLOBALLM_LOG_LEVEL: 'warn',
  };
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GLOBALLM_LLM_PROVIDER']) delete env[k];
  return github ? { ...env, GITHUB_API_URL: github.sim.url, GITHUB_TOKEN: 'chaos' } : env;
}

/** Starts every part of the stand, naming the one that fails. */
async function startStand(args: ChaosArgs, s: Stand): Promise<{ client: Client; repos: string[] }> {
  await startPart('the compiled CLI (tsc build)', () => Promise.resolve(buildCli()));
  const repos = args.forge === 'github'
    ? await startPart('the GitHub stand-in', async () => { s.github = await startChaosGitHub(args.seed, args.issues); return s.github.repos; })
    : await startPart('the seeded repositories', () => createChaosRepos(join(s.dir, 'repos'), args.issues));
  await s.services.start();
  s.llm = await startPart('the LLM stand-in', () => startChaosLlm(args.seed));
  await startPart('the database schema', () => migrateUp(s.services.databaseUrl));
  s.connection = await startPart('the Temporal namespace', async () => {
    const c = await Connection.connect({ address: s.services.temporalAddress });
    await prepareNamespace(c, 'default', 24);
    return c;
  });
  mkdirSync(join(s.dir, 'logs'));
  s.workers = new WorkerSupervisor(WORKERS, workerEnv(s.dir, s.services, s.llm, args.issues, s.github), join(s.dir, 'logs'));
  await startPart('the workers', () => s.workers?.startAll() ?? Promise.resolve());
  s.pool = new pg.Pool({ connectionString: s.services.databaseUrl, max: 2 });
  s.pool.on('error', () => { /* PostgreSQL restarts under the audit pool too */ });
  return { client: new Client({ connection: s.connection }), repos };
}

/** Waits for the campaign's decision on every issue, across server restarts, until the deadline. */
async function awaitCampaign(client: Client, workflowId: string, deadline: number, seen: (p: CampaignProgress) => void): Promise<CampaignProgress | undefined> {
  let last: CampaignProgress | undefined;
  while (Date.now() < deadline) {
    try {
      const handle = client.workflow.getHandle(workflowId);
      const d = await handle.describe();
      if (d.status.name === 'COMPLETED') return { ...(await handle.result() as CampaignProgress), pending: [] };
      if (d.status.name !== 'RUNNING' && d.status.name !== 'CONTINUED_AS_NEW') throw new Error(`the campaign ended ${d.status.name}`);
      last = await handle.query<CampaignProgress>('progress');
      seen(last);
    } catch (err) {
      if ((err as Error).message.startsWith('the campaign ended')) throw err;
    }
    await sleep(2000);
  }
  return last;
}

async function fannedOut(client: Client, workflowId: string, over: () => boolean): Promise<void> {
  while (!over()) {
    const progress = await client.workflow.getHandle(workflowId).query<CampaignProgress>('progress').catch(() => undefined);
    if (progress && progress.enqueued > 0) return;
    await sleep(1000);
  }
}

/** What the GitHub stand-in did wrong, as it counted it. */
function githubFigures(gh: ChaosGitHub, injector: FaultInjector): Record<string, string | number> {
  const kinds = new Map<string, number>();
  for (const k of gh.sim.faultLog) if (k) kinds.set(k, (kinds.get(k) ?? 0) + 1);
  return {
    github_faults: [...kinds].map(([k, n]) => `${k}:${n}`).sort().join(',') || 'none',
    github_commits_refused: gh.sim.injected.commitsRefused, github_slow_forks: gh.sim.injected.slowForks,
    repos_deleted: injector.deleted.join(',') || 'none',
  };
}

function figures(lines: Record<string, string | number>): void {
  for (const [k, v] of Object.entries(lines)) process.stdout.write(`${k}=${v}\n`);
}

async function measure(args: ChaosArgs, s: Stand, client: Client, repos: string[], deadline: number): Promise<boolean> {
  const gh = s.github;
  const schedule = faultSchedule({ seed: args.seed, kills: args.kills, pgRestarts: args.pgRestarts, temporalRestarts: args.temporalRestarts, repoDeletes: gh ? 1 : 0, slots: WORKERS });
  const started = await startCampaign(client, { id: `chaos-${args.seed}`, forge: args.forge, minStars: 0, maxRepos: args.issues, maxIssues: args.issues, analyzer: 'offline' }, { taskQueuePrefix: PREFIX });
  let over = false;
  let share = 0;
  const injector = new FaultInjector({
    client, services: s.services, workers: s.workers as WorkerSupervisor, llm: s.llm as ChaosLlm, seed: args.seed, over: () => over || Date.now() > deadline,
    progress: () => share, ...(gh ? { deleteRepo: (rnd: () => number) => deleteOpenRepo(gh, rnd) } : {}),
  });
  const watching = injector.watch();
  // Faults start once the campaign has fanned out, so that they land on the issues' stages.
  const injecting = fannedOut(client, started.workflowId, () => over || Date.now() > deadline).then(() => injector.run(schedule));
  const final = await awaitCampaign(client, started.workflowId, deadline, (p) => { share = p.enqueued > 0 ? p.finished / p.enqueued : 0; }).finally(() => { over = true; });
  await Promise.all([watching, injecting]);
  const pool = s.pool as pg.Pool;
  const enqueued = final?.enqueued ?? 0;
  const lost = await lostIssues(pool, started.id, enqueued);
  const dup = gh ? await githubDuplicates(gh) : await duplicates(pool, join(s.dir, 'repos'), repos);
  const drift = await budgetDrift(pool, s.llm?.sim.usageTotals ?? { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  // On GitHub, the stand-in's own count of content-creating requests refused for the limit.
  const writes = gh ? { exceeded: gh.sim.counters.content_refused, counted: 0 } : await writeLimitExceeded(pool);
  const recoveries = [...injector.kills, ...injector.restarts].map((k) => k.recoveryS);
  const during = new Map<string, number>();
  for (const k of injector.kills) for (const t of k.during.length > 0 ? k.during : ['idle']) during.set(t, (during.get(t) ?? 0) + 1);
  figures({
    seed: args.seed, forge: args.forge, temporal: args.temporal, kills: injector.kills.length, pg_restarts: injector.restarts.filter((r) => r.kind === 'pg_restart').length,
    temporal_restarts: injector.restarts.filter((r) => r.kind === 'temporal_restart').length,
    kills_on_target: injector.kills.filter((k) => k.onTarget).length,
    killed_during: [...during].map(([t, n]) => `${t}:${n}`).sort().join(','),
    issues: enqueued, finished: final?.finished ?? 0, outcomes: Object.entries(final?.outcomes ?? {}).map(([o, n]) => `${o}:${n}`).join(','),
    lost, duplicate_prs: dup.prs, duplicate_commits: dup.commits,
    budget_drift_tokens: drift.drift, budget_charged_tokens: drift.charged, llm_served_tokens: drift.served, budget_unanswered_hold_tokens: drift.unanswered, budget_open_holds: drift.openHolds,
    llm_requests: s.llm?.sim.calls.length ?? 0, llm_faults: s.llm?.sim.calls.filter((c) => c.ruleId?.startsWith('fault:') || c.ruleId === 'hang-once').length ?? 0,
    write_limit_exceeded: writes.exceeded, ...(gh ? githubFigures(gh, injector) : { counted_writes: writes.counted }),
    unrecovered: recoveries.filter((r) => r === null).length,
    max_recovery_s: Math.max(0, ...recoveries.map((r) => r ?? 0)).toFixed(1),
    max_resume_s: Math.max(0, ...injector.kills.map((k) => k.resumeS ?? 0)).toFixed(1),
    worker_crashes: s.workers?.unexpectedExits ?? 0,
  });
  if (final?.phase !== 'done') process.stderr.write(`chaos: the campaign did not finish within --timeout-s ${args.timeoutS}\n`);
  return final?.phase === 'done';
}

const tornDown = new WeakMap<Stand, Promise<void>>();

/** Stops everything the run started (once, however often it is asked). */
function tearDown(s: Stand, keep: boolean): Promise<void> {
  const once = tornDown.get(s) ?? stopStand(s, keep);
  tornDown.set(s, once);
  return once;
}

async function stopStand(s: Stand, keep: boolean): Promise<void> {
  await s.workers?.stopAll();
  await s.pool?.end().catch(() => undefined);
  await s.connection?.close().catch(() => undefined);
  await s.llm?.sim.close();
  await s.github?.sim.close();
  await s.services.stop();
  if (keep) process.stderr.write(`chaos: kept ${s.dir}\n`);
  else rmSync(s.dir, { recursive: true, force: true });
}

export default async function chaos(argv: string[]): Promise<void> {
  let args: ChaosArgs;
  try {
    args = parseChaosArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-chaos-'));
  const s: Stand = { dir, services: new RestartableServices(dir, args.temporal) };
  const deadline = Date.now() + args.timeoutS * 1000;
  // Past the deadline and a grace for tearing down, nothing is left running and the bench exits.
  const guard = setTimeout(() => { void tearDown(s, args.keep).finally(() => process.exit(3)); }, args.timeoutS * 1000 + 120_000);
  guard.unref();
  // Interrupted: nothing it started is left running.
  const interrupted = (): void => { void tearDown(s, args.keep).finally(() => process.exit(130)); };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { client, repos } = await startStand(args, s);
    if (!(await measure(args, s, client, repos, deadline))) process.exitCode = 1;
  } catch (err) {
    process.stderr.write(`chaos: ${err instanceof PartFailed ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    clearTimeout(guard);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await tearDown(s, args.keep);
  }
}
