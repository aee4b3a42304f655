// One probe per configuration key: each sets the key, builds the part of the system that reads it
// from the loaded configuration, and observes that its behaviour changed. A probe throws when it
// cannot see the effect.
import { RESERVATION_METADATA_KEY } from '../../../src/llm/openai.js';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../../src/config/load.js';
import { resolveEndpoints, writeStackFile } from '../../../src/stack/endpoints.js';
import { resolveTemporalBinary } from '../../../src/stack/temporal-binary.js';
import { createGitHubClient, pacedGitHubClient } from '../../../src/forge/github/client.js';
import { githubClientOptions } from '../../../src/forge/github/from-config.js';
import { createLlmProvider } from '../../../src/llm/registry.js';
import { localRoot } from '../../../src/activities/index.js';
import { cacheDirOf, environmentCacheFrom } from '../../../src/environment/from-config.js';
import { registryHosts } from '../../../src/sandbox/egress/registries.js';
import { pricingFor } from '../../../src/pricing/for-config.js';
import { PostgresTokenBudget } from '../../../src/budget/postgres-budget.js';
import { budgetConfig } from '../../../src/budget/from-config.js';
import { BudgetExhausted } from '../../../src/errors.js';
import { prepareNamespace } from '../../../src/temporal/namespace-setup.js';
import { startReportServer } from '../../../src/report/server.js';
import { freePort } from '../../../src/util/ports.js';
import type { ProbeContext } from './context.js';

export type Probe = (ctx: ProbeContext) => Promise<void>;

const cfg = (ctx: ProbeContext, env: NodeJS.ProcessEnv = {}): Config => loadConfig(env, ctx.dir);

/** `observe` gives a different answer for `changed` than for the defaults, and the answer `changed` should give. */
async function changes<T>(ctx: ProbeContext, key: string, value: string, observe: (c: Config) => T | Promise<T>, expected?: T, base: NodeJS.ProcessEnv = {}): Promise<void> {
  const before = await observe(cfg(ctx, base));
  const after = await observe(cfg(ctx, { ...base, [key]: value }));
  assert.notDeepEqual(after, before, `${key}=${value} changed nothing`);
  if (expected !== undefined) assert.deepEqual(after, expected);
}

/** The request a GitHub client made: its path and Authorization header, from a recording server. */
async function githubRequest(c: Config, urlFor: (port: number) => string): Promise<string> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url ?? ''} ${req.headers.authorization ?? 'anonymous'}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"resources":{}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const base = c.GITHUB_API_URL === 'https://api.github.com' ? 'https://api.github.com' : urlFor(port);
    if (base.startsWith('https://')) return 'public GitHub';
    await createGitHubClient({ baseUrl: base, token: c.GITHUB_TOKEN }).request('GET /rate_limit');
    return seen.join(';');
  } finally {
    server.close();
  }
}

/** The tokens a paced client of the configuration sent four reads with, from a recording server that reports a quota. */
async function githubTokensUsed(ctx: ProbeContext, c: Config): Promise<string[]> {
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    seen.add(req.headers.authorization ?? 'anonymous');
    const reset = String(Math.ceil(Date.now() / 1000) + 600);
    res.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining': '100', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': reset }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const octokit = pacedGitHubClient(ctx.pool, { ...githubClientOptions(c), baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    for (let i = 0; i < 4; i++) await octokit.request('GET /repos/{owner}/{repo}', { owner: 'probe', repo: 'tokens' });
    return [...seen].sort();
  } finally {
    server.close();
  }
}

/** Which provider and model a model call went to, through the LLM stand-in. */
async function modelCall(ctx: ProbeContext, c: Config): Promise<string> {
  const provider = createLlmProvider(c, { maxRetries: 0 });
  if (!provider) return 'no provider';
  const from = ctx.llm.calls.length;
  await provider.callTool({ system: 's', messages: [{ role: 'user', content: 'hello' }], tool: { name: 'probe', description: 'd', inputSchema: { type: 'object', properties: {} } }, maxTokens: 16 });
  const call = ctx.llm.calls.slice(from)[0];
  return `${call?.provider ?? 'none'}:${call?.model ?? ''}`;
}

const llmBase = (ctx: ProbeContext): NodeJS.ProcessEnv => ({ ANTHROPIC_BASE_URL: ctx.llm.url, OPENAI_BASE_URL: `${ctx.llm.url}/v1` });

/** How many completions the OpenAI stand-in stored for one model call made under a hold. */
async function storedForCall(ctx: ProbeContext, c: Config): Promise<number> {
  const provider = createLlmProvider(c, { maxRetries: 0 });
  if (!provider) return -1;
  const hold = `probe-hold-${ctx.seq()}`;
  await provider.callTool({ system: 's', messages: [{ role: 'user', content: 'hello' }], tool: { name: 'probe', description: 'd', inputSchema: { type: 'object', properties: {} } }, maxTokens: 16, reservationId: hold });
  const res = await fetch(`${ctx.llm.url}/v1/chat/completions?metadata[${RESERVATION_METADATA_KEY}]=${hold}`, { headers: { authorization: 'Bearer probe' } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { data: unknown[] }).data.length;
}

/** Whether a call of `tokens` fits the budget built from the configuration (scoped to a repository and language). */
async function fits(ctx: ProbeContext, c: Config, tokens: number, scopes = { repo: 'probe/repo', language: 'go' }): Promise<boolean> {
  await ctx.pool.query('TRUNCATE budget_reservations, budgets, budget_issue_counts, budget_issue_admissions CASCADE');
  const pricing = pricingFor(c);
  const budget = new PostgresTokenBudget(ctx.pool, { config: budgetConfig(c), ...(pricing ? { pricing } : {}) });
  try {
    const r = await budget.reserve({ tokens, outputTokens: Math.floor(tokens / 2), scopes, purpose: 'probe' });
    await budget.release(r.id);
    return true;
  } catch (err) {
    if (err instanceof BudgetExhausted) return false;
    throw err;
  }
}

/** How many issues of one language the weekly cap admits, out of `n`. */
async function admitted(ctx: ProbeContext, c: Config, n: number): Promise<number> {
  await ctx.pool.query('TRUNCATE budget_reservations, budgets, budget_issue_counts, budget_issue_admissions CASCADE');
  const budget = new PostgresTokenBudget(ctx.pool, { config: budgetConfig(c) });
  let ok = 0;
  for (let i = 0; i < n; i++) ok += await budget.admitIssue({ language: 'rust', issue: `probe/repo#${ctx.seq()}` }).then(() => 1, () => 0);
  return ok;
}

const withModel = (ctx: ProbeContext): NodeJS.ProcessEnv => ({ ANTHROPIC_BASE_URL: ctx.llm.url });

export const ENV_PROBES: Record<string, Probe> = {
  GLOBALLM_STATE_DIR: async (ctx) => {
    const state = join(ctx.dir, 'other-state');
    mkdirSync(state, { recursive: true });
    writeStackFile(state, { databaseUrl: 'postgres://recorded@127.0.0.1:1/x', temporalAddress: '127.0.0.1:1', pid: 1, children: {} });
    await changes(ctx, 'GLOBALLM_STATE_DIR', state, (c) => resolveEndpoints(c).databaseUrl, 'postgres://recorded@127.0.0.1:1/x');
  },
  DATABASE_URL: (ctx) => changes(ctx, 'DATABASE_URL', 'postgres://u@db.example:5432/g', (c) => resolveEndpoints(c).databaseUrl, 'postgres://u@db.example:5432/g'),
  GLOBALLM_PG_PORT: (ctx) => changes(ctx, 'GLOBALLM_PG_PORT', '6001', (c) => new URL(resolveEndpoints(c).databaseUrl).port, '6001'),
  TEMPORAL_ADDRESS: (ctx) => changes(ctx, 'TEMPORAL_ADDRESS', 'temporal.example:7233', (c) => resolveEndpoints(c).temporalAddress, 'temporal.example:7233'),
  // The namespace every client and worker uses: a campaign's status is looked up there.
  TEMPORAL_NAMESPACE: async (ctx) => {
    const run = async (ns?: string): Promise<string> => (await ctx.cli(['campaign', 'status', 'no-such-campaign'], ns ? { TEMPORAL_NAMESPACE: ns } : {})).stderr;
    assert.match(await run(), /no campaign no-such-campaign/);
    assert.match(await run('no-such-namespace'), /no-such-namespace/);
  },
  TEMPORAL_PROFILE: async (ctx) => {
    const file = join(ctx.dir, 'temporal.toml');
    writeFileSync(file, '[profile.default]\naddress = "default.example:7233"\n[profile.other]\naddress = "other.example:7233"\nnamespace = "other-ns"\n');
    await changes(ctx, 'TEMPORAL_PROFILE', 'other', (c) => `${resolveEndpoints(c).temporalAddress} ${c.TEMPORAL_NAMESPACE}`, 'other.example:7233 other-ns', { TEMPORAL_CONFIG_FILE: file });
  },
  TEMPORAL_CONFIG_FILE: async (ctx) => {
    const file = join(ctx.dir, 'temporal-file.toml');
    writeFileSync(file, '[profile.default]\naddress = "from-file.example:7233"\n');
    await changes(ctx, 'TEMPORAL_CONFIG_FILE', file, (c) => resolveEndpoints(c).temporalAddress, 'from-file.example:7233', { HOME: ctx.dir });
  },
  GLOBALLM_TEMPORAL_PORT: (ctx) => changes(ctx, 'GLOBALLM_TEMPORAL_PORT', '7999', (c) => resolveEndpoints(c).temporalAddress, '127.0.0.1:7999'),
  GLOBALLM_TEMPORAL_UI_PORT: (ctx) => changes(ctx, 'GLOBALLM_TEMPORAL_UI_PORT', '8999', (c) => resolveEndpoints(c).uiUrl, 'http://127.0.0.1:8999'),
  TEMPORAL_UI_URL: (ctx) => changes(ctx, 'TEMPORAL_UI_URL', 'http://ui.example:8080', (c) => resolveEndpoints(c).uiUrl, 'http://ui.example:8080'),
  TEMPORAL_CLI_PATH: async (ctx) => {
    const bin = join(ctx.dir, 'my-temporal');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    await changes(ctx, 'TEMPORAL_CLI_PATH', bin, (c) => { try { return resolveTemporalBinary({ TEMPORAL_CLI_PATH: c.TEMPORAL_CLI_PATH, PATH: '' }); } catch { return 'not found'; } }, bin);
  },
  // `up` and the worker set the namespace's retention to at least this many hours.
  GLOBALLM_RETENTION_HOURS: async (ctx) => {
    const retention = async (): Promise<number> => Number((await ctx.temporal.workflowService.describeNamespace({ namespace: 'default' })).config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 3600;
    const wanted = Math.max(24, await retention()) + 1;
    await prepareNamespace(ctx.temporal, 'default', cfg(ctx, { GLOBALLM_RETENTION_HOURS: String(wanted) }).GLOBALLM_RETENTION_HOURS);
    assert.equal(await retention(), wanted);
  },
  // The running worker polls `<prefix>-*` queues (see ctx.worker, started with a prefix of its own).
  GLOBALLM_TASK_QUEUE_PREFIX: async (ctx) => {
    for (const q of ['core', 'github', 'llm', 'sandbox']) assert.ok((await ctx.pollers(`${ctx.worker.prefix}-${q}`)).length > 0, `no poller on ${ctx.worker.prefix}-${q}`);
  },
  GITHUB_TOKEN: (ctx) => changes(ctx, 'GITHUB_TOKEN', 'ghp_probe', (c) => githubRequest(c, (p) => `http://127.0.0.1:${p}`), '/rate_limit token ghp_probe', { GITHUB_API_URL: 'http://127.0.0.1:1' }),
  // Reads are spread over GITHUB_TOKEN and the tokens listed here.
  GITHUB_TOKENS: (ctx) => changes(ctx, 'GITHUB_TOKENS', 'ghp_probe_b', (c) => githubTokensUsed(ctx, c), ['token ghp_probe_a', 'token ghp_probe_b'], { GITHUB_TOKEN: 'ghp_probe_a' }),
  GITHUB_API_URL: (ctx) => changes(ctx, 'GITHUB_API_URL', 'http://127.0.0.1:1/api/v3', (c) => githubRequest(c, (p) => `http://127.0.0.1:${p}/api/v3`), '/api/v3/rate_limit anonymous'),
  ANTHROPIC_API_KEY: (ctx) => changes(ctx, 'ANTHROPIC_API_KEY', 'sk-probe', (c) => createLlmProvider(c)?.model ?? 'none', 'claude-haiku-4-5'),
  ANTHROPIC_BASE_URL: (ctx) => changes(ctx, 'ANTHROPIC_BASE_URL', ctx.llm.url, (c) => modelCall(ctx, c), 'anthropic:claude-haiku-4-5'),
  OPENAI_API_KEY: (ctx) => changes(ctx, 'OPENAI_API_KEY', 'sk-probe', (c) => createLlmProvider(c)?.model ?? 'none', 'gpt-4o-mini'),
  OPENAI_BASE_URL: (ctx) => changes(ctx, 'OPENAI_BASE_URL', `${ctx.llm.url}/v1`, (c) => modelCall(ctx, c), 'openai:gpt-4o-mini'),
  GLOBALLM_LLM_PROVIDER: (ctx) => changes(ctx, 'GLOBALLM_LLM_PROVIDER', 'openai', (c) => modelCall(ctx, c), 'openai:gpt-4o-mini', llmBase(ctx)),
  GLOBALLM_ANTHROPIC_MODEL: (ctx) => changes(ctx, 'GLOBALLM_ANTHROPIC_MODEL', 'claude-sonnet-4-5', (c) => modelCall(ctx, c), 'anthropic:claude-sonnet-4-5', llmBase(ctx)),
  // Off for a server other than api.openai.com unless set: the stand-in then stores the call for a later lookup of its usage.
  GLOBALLM_OPENAI_STORE_COMPLETIONS: (ctx) => changes(ctx, 'GLOBALLM_OPENAI_STORE_COMPLETIONS', 'true', (c) => storedForCall(ctx, c), 1, { OPENAI_BASE_URL: `${ctx.llm.url}/v1` }),
  GLOBALLM_OPENAI_MODEL: (ctx) => changes(ctx, 'GLOBALLM_OPENAI_MODEL', 'gpt-4.1-mini', (c) => modelCall(ctx, c), 'openai:gpt-4.1-mini', { OPENAI_BASE_URL: `${ctx.llm.url}/v1` }),
  GLOBALLM_LOCAL_ROOT: (ctx) => changes(ctx, 'GLOBALLM_LOCAL_ROOT', '/srv/repos', (c) => localRoot(c), '/srv/repos'),
  GLOBALLM_CACHE_DIR: (ctx) => changes(ctx, 'GLOBALLM_CACHE_DIR', '/srv/cache', (c) => cacheDirOf(c), '/srv/cache'),
  GLOBALLM_ENV_CACHE_DIR: (ctx) => changes(ctx, 'GLOBALLM_ENV_CACHE_DIR', '/srv/envs', (c) => environmentCacheFrom(c).root, '/srv/envs'),
  GLOBALLM_ENV_CACHE_MB: (ctx) => changes(ctx, 'GLOBALLM_ENV_CACHE_MB', '512', (c) => environmentCacheFrom(c).maxMb, 512),
  GLOBALLM_REGISTRY_HOSTS: (ctx) => changes(ctx, 'GLOBALLM_REGISTRY_HOSTS', 'npm.mirror.example', (c) => registryHosts({}, c.GLOBALLM_REGISTRY_HOSTS).includes('npm.mirror.example'), true),
  GLOBALLM_PRICES_FILE: async (ctx) => {
    const file = join(ctx.dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ date: '2026-01-15', models: { 'claude-haiku-4-5': { input: 0, output: 0 } } }));
    await changes(ctx, 'GLOBALLM_PRICES_FILE', file, (c) => pricingFor(c)?.price.input, 0, withModel(ctx));
  },
  GLOBALLM_BUDGET_WEEKLY_TOKENS: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_WEEKLY_TOKENS', '1000', (c) => fits(ctx, c, 5000), false),
  GLOBALLM_BUDGET_REPO_TOKENS: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_REPO_TOKENS', '1000', (c) => fits(ctx, c, 5000), false),
  GLOBALLM_BUDGET_LANGUAGE_ISSUES: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_LANGUAGE_ISSUES', '2', (c) => admitted(ctx, c, 5), 2),
  GLOBALLM_BUDGET_WEEKLY_USD: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_WEEKLY_USD', '0.0001', (c) => fits(ctx, c, 50_000), false, withModel(ctx)),
  GLOBALLM_BUDGET_REPO_USD: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_REPO_USD', '0.0001', (c) => fits(ctx, c, 50_000), false, withModel(ctx)),
  GLOBALLM_BUDGET_LANGUAGE_USD: (ctx) => changes(ctx, 'GLOBALLM_BUDGET_LANGUAGE_USD', '0.0001', (c) => fits(ctx, c, 50_000), false, withModel(ctx)),
  GLOBALLM_REPORT_PORT: async (ctx) => {
    const port = await freePort();
    const c = cfg(ctx, { GLOBALLM_REPORT_PORT: String(port) });
    const report = await startReportServer({ pool: ctx.pool, temporal: undefined, uiUrl: undefined, priceDate: '2026-01-15' }, c.GLOBALLM_REPORT_PORT);
    try {
      assert.equal(new URL(report.url).port, String(port));
    } finally {
      await report.close();
    }
  },
};
