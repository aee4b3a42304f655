// Probes of the keys the README promises change the running system: observed on a running worker
// (`ctx.worker`, started with WORKER_SETTINGS), through the activities a worker builds from its
// configuration, or through the built CLI.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { loadConfig } from '../../../src/config/load.js';
import { createGitHubClient } from '../../../src/forge/github/client.js';
import { createForgeWriters } from '../../../src/forge/writers.js';
import type { GitHubWriter } from '../../../src/forge/github/writer.js';
import { join } from 'node:path';
import { makeRepo } from '../../../src/examples/create.js';
import { SLUGKIT, slugkitIssues } from '../../../src/examples/files.js';
import type { IssueRef } from '../../../src/workflows/shared.js';
import { UNPROVEN_MARK, WORKER_SETTINGS, type ProbeContext } from './context.js';
import type { Probe } from './env-probes.js';

/** A local-forge repository with the example library and its issues, recorded in PostgreSQL as discovery would. */
async function localRepo(ctx: ProbeContext, root: string, name: string, title = 'slugify leaves repeated dashes'): Promise<IssueRef> {
  await makeRepo(join(root, name), SLUGKIT, slugkitIssues(new Date()), new Date());
  const repo = await ctx.pool.query<{ id: number }>(
    `INSERT INTO repositories (forge, owner, name, status, health, impact, language) VALUES ('local', 'local', $1, 'approved', 0.7, 0.5, 'JavaScript') RETURNING id`, [name]);
  await ctx.pool.query(
    `INSERT INTO issues (repository_id, number, title, body, labels, created_at, updated_at, state, category) VALUES ($1, 1, $2, 'x', '{}', now(), now(), 'open', 'bug')`,
    [repo.rows[0]?.id, title]);
  return { forge: 'local', owner: 'local', repo: name, number: 1 };
}

/** The consent gate's answer for a fresh example repository under a worker configured by `env`. */
async function consent(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<string> {
  const root = join(ctx.dir, `consent-${ctx.seq()}`);
  const ref = await localRepo(ctx, root, `consent-${ctx.seq()}`);
  const { acts, run } = ctx.activities({ GLOBALLM_LOCAL_ROOT: root, ...env });
  const r = await run(() => acts.checkConsent(ref));
  return r.allowed ? 'allowed' : r.reason?.split(':')[0] ?? 'refused';
}

/** The cool-down PostgreSQL records for an issue that ended with no fix, in hours from now. */
async function coolDownHours(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<number> {
  const ref = await localRepo(ctx, join(ctx.dir, `retry-${ctx.seq()}`), `retry-${ctx.seq()}`);
  const { acts, run } = ctx.activities(env);
  await run(() => acts.recordIssueRun({ workflowId: `issue/local/local/${ref.repo}/1`, runId: 'r', ref, result: 'no_fix', detail: { reason: 'probe' } }));
  const r = await ctx.pool.query<{ h: number }>(
    `SELECT extract(epoch FROM i.retry_after - now()) / 3600 AS h FROM issues i JOIN repositories r ON r.id = i.repository_id WHERE r.name = $1`, [ref.repo]);
  return Math.round(Number(r.rows[0]?.h ?? 0));
}

/** The fix stage's model calls for the example bug under a worker configured by `env`: how many proposals, and their output cap. */
async function fixCalls(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<{ proposals: number; maxTokens: number[] }> {
  const root = join(ctx.dir, `fix-${ctx.seq()}`);
  const ref = await localRepo(ctx, root, `fix-${ctx.seq()}`);
  const { acts, run } = ctx.activities({ GLOBALLM_LOCAL_ROOT: root, ANTHROPIC_BASE_URL: ctx.llm.url, GLOBALLM_CACHE_DIR: join(ctx.dir, `fix-cache-${ctx.seq()}`), ...env });
  const from = ctx.llm.calls.length;
  await run(() => acts.generateFix({ ref, candidates: 0 }));
  const proposals = ctx.llm.calls.slice(from).filter((c) => c.ruleId?.endsWith('-fix'));
  return { proposals: proposals.length, maxTokens: proposals.map((c) => (c.body as { max_tokens: number }).max_tokens) };
}

/** Whether the validate stage opens a fix that breaks nothing but that no test proves (the example fix without its test). */
async function unprovenOpens(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<boolean | undefined> {
  const root = join(ctx.dir, `unproven-${ctx.seq()}`);
  const ref = await localRepo(ctx, root, `unproven-${ctx.seq()}`, `${UNPROVEN_MARK} slugify leaves repeated dashes`);
  const { acts, run } = ctx.activities({ GLOBALLM_LOCAL_ROOT: root, ANTHROPIC_BASE_URL: ctx.llm.url, GLOBALLM_CACHE_DIR: join(ctx.dir, `unproven-cache-${ctx.seq()}`), ...env });
  const fix = await run(() => acts.generateFix({ ref, candidates: 0 }));
  assert.ok(fix.fixId, fix.reason);
  const fixId = fix.fixId;
  const verdict = await run(() => acts.validateFix({ ref, fixId }));
  assert.equal(verdict.verdict, 'unproven', verdict.summary);
  return verdict.open;
}

/** The writer's GitHub account: asked of GitHub (a recording server answering `from-token`) unless configured. */
async function githubAccount(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<string> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"viewer":{"login":"from-token"}}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = loadConfig({ GITHUB_TOKEN: 't', GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...env }, ctx.dir);
    const octokit = createGitHubClient({ baseUrl: c.GITHUB_API_URL, token: c.GITHUB_TOKEN });
    const login = await (createForgeWriters({ pool: ctx.pool, octokit, githubLogin: c.GITHUB_LOGIN, localRoot: ctx.dir }).github as GitHubWriter).viewer();
    return `${login} (${asked.length} requests)`;
  } finally {
    server.close();
  }
}

/** The Temporal SDK's free slots on the worker's sandbox queue, from the worker's own metrics. */
async function sandboxSlots(ctx: ProbeContext): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ctx.worker.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('temporal_worker_task_slots_available') && l.includes(`${ctx.worker.prefix}-sandbox`) && l.includes('ActivityWorker'));
  assert.ok(line, 'no slot gauge for the sandbox queue');
  return Number(line.split(' ').at(-1));
}

/** Log lines the CLI writes on stderr for a command that logs a warning (triage with a budget too small for one model call). */
async function logs(ctx: ProbeContext, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await ctx.cli(['triage', '--input', '-', '--analyzer', 'llm', '--budget', '10'], { ANTHROPIC_BASE_URL: ctx.llm.url, ...env }, '{"title":"crash on start","body":"x"}\n');
  return r.stderr;
}

export const SYSTEM_PROBES: Record<string, Probe> = {
  GITHUB_LOGIN: async (ctx) => {
    assert.equal(await githubAccount(ctx, {}), 'from-token (1 requests)');
    assert.equal(await githubAccount(ctx, { GITHUB_LOGIN: 'probe-bot' }), 'probe-bot (0 requests)');
  },
  GLOBALLM_OPEN_UNPROVEN: async (ctx) => {
    assert.equal(await unprovenOpens(ctx, {}), false);
    assert.equal(await unprovenOpens(ctx, { GLOBALLM_OPEN_UNPROVEN: 'true' }), true);
  },
  GLOBALLM_SANDBOX_CONCURRENCY: async (ctx) => assert.equal(await sandboxSlots(ctx), Number(WORKER_SETTINGS.GLOBALLM_SANDBOX_CONCURRENCY)),
  GLOBALLM_GITHUB_QUEUE_RATE: async (ctx) => {
    const rates = (await ctx.pollers(`${ctx.worker.prefix}-github`)).map((p) => p.ratePerSecond);
    assert.ok(rates.length > 0 && rates.every((r) => r === Number(WORKER_SETTINGS.GLOBALLM_GITHUB_QUEUE_RATE)), `poller rates ${rates.join(',')}`);
  },
  GLOBALLM_METRICS_HOST: (ctx) => Promise.resolve(assert.equal(new URL(ctx.worker.metricsUrl).hostname, hostname())),
  GLOBALLM_METRICS_PORT: (ctx) => Promise.resolve(assert.equal(new URL(ctx.worker.metricsUrl).port, String(ctx.worker.metricsPort))),
  GLOBALLM_MAX_OPEN_PRS_PER_REPO: async (ctx) => {
    assert.equal(await consent(ctx, {}), 'allowed');
    assert.equal(await consent(ctx, { GLOBALLM_MAX_OPEN_PRS_PER_REPO: '0' }), 'repo_pr_cap');
  },
  GLOBALLM_MAX_OPEN_PRS_PER_OWNER: async (ctx) => assert.equal(await consent(ctx, { GLOBALLM_MAX_OPEN_PRS_PER_OWNER: '0' }), 'owner_pr_cap'),
  GLOBALLM_REQUIRE_OPT_IN: async (ctx) => assert.equal(await consent(ctx, { GLOBALLM_REQUIRE_OPT_IN: 'true' }), 'not_opted_in'),
  GLOBALLM_RETRY_AFTER_HOURS: async (ctx) => {
    assert.equal(await coolDownHours(ctx, {}), 24);
    assert.equal(await coolDownHours(ctx, { GLOBALLM_RETRY_AFTER_HOURS: '5' }), 5);
  },
  GLOBALLM_FIX_CANDIDATES: async (ctx) => {
    assert.equal((await fixCalls(ctx, {})).proposals, 1);
    assert.equal((await fixCalls(ctx, { GLOBALLM_FIX_CANDIDATES: '2' })).proposals, 2);
  },
  GLOBALLM_FIX_MAX_OUTPUT_TOKENS: async (ctx) => assert.deepEqual((await fixCalls(ctx, { GLOBALLM_FIX_MAX_OUTPUT_TOKENS: '2048' })).maxTokens, [2048]),
  GLOBALLM_LOG_LEVEL: async (ctx) => {
    assert.match(await logs(ctx, {}), /"level":40/);
    assert.doesNotMatch(await logs(ctx, { GLOBALLM_LOG_LEVEL: 'error' }), /"level"/);
  },
  GLOBALLM_LOG_FORMAT: async (ctx) => {
    assert.match(await logs(ctx, { GLOBALLM_LOG_FORMAT: 'json' }), /^\{"level":40/m);
    const pretty = await logs(ctx, { GLOBALLM_LOG_FORMAT: 'pretty' });
    assert.match(pretty, /WARN/);
    assert.doesNotMatch(pretty, /^\{"level"/m);
  },
};
