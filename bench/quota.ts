// `npm run bench -- quota [issues] [repos] [--hour-ms=60000] [--core=300] [--graphql=300] [--tokens=1]`:
// one campaign of `issues` open issues (default 2,000) over `repos` repositories (default 100) on
// the GitHub stand-in, through the production worker, with `--tokens` tokens (GITHUB_TOKEN, and
// GITHUB_TOKENS for the rest), each with a small quota of its own whose "hour" lasts `--hour-ms`,
// so that quota is what limits the campaign. Prints how much of the quota of all tokens together
// it used (`quota_utilisation`, target >= 0.8), each token's use (`token_<n>_*`), and how often
// the stand-in refused a request for a limit (`limit_exceeded`, target 0).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../scripts/build-cli.js';
import { startCampaign } from '../src/campaign/start.js';
import { startGitHubStandIn, type GitHubStandIn } from '../src/sim/github/server.js';
import { PREFIX, startScaleStack } from './scale/stack.js';
import { seedQuotaWorld } from './quota/world.js';
import { closedWindows, totalUtilisation, utilisation } from './quota/utilisation.js';

const USAGE = 'usage: npm run bench -- quota [issues] [repos] [--hour-ms=60000] [--core=300] [--graphql=300] [--tokens=1]';
const RESOURCES = ['core', 'graphql', 'search'] as const;

interface Args { issues: number; repos: number; hourMs: number; core: number; graphql: number; tokens: number }

function parseArgs(args: string[]): Args {
  const flags = args.filter((a) => a.startsWith('--'));
  const known = ['hour-ms', 'core', 'graphql', 'tokens'];
  const unknown = flags.find((f) => !known.some((k) => f.startsWith(`--${k}=`)));
  if (unknown) throw new Error(`unknown flag ${unknown}; ${USAGE}`);
  const flag = (name: string, fallback: number): number => Number(flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
  const [issues = 2_000, repos = 100] = args.filter((a) => !a.startsWith('--')).map(Number);
  const out = { issues, repos, hourMs: flag('hour-ms', 60_000), core: flag('core', 300), graphql: flag('graphql', 300), tokens: flag('tokens', 1) };
  if (!Object.values(out).every((n) => Number.isInteger(n) && n > 0)) throw new Error(USAGE);
  return out;
}

/** The bench's tokens: the first is GITHUB_TOKEN, the rest GITHUB_TOKENS. */
function benchTokens(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `bench-quota-token-${i + 1}`);
}

function tokenEnv(tokens: readonly string[]): Record<string, string> {
  const [first = '', ...rest] = tokens;
  return { GITHUB_TOKEN: first, ...(rest.length > 0 ? { GITHUB_TOKENS: rest.join(',') } : {}) };
}

function limitFigures(gh: GitHubStandIn, tokens: readonly string[], from: number, to: number, hourMs: number): Record<string, string | number> {
  const perToken = tokens.map((t) => {
    const windows = closedWindows(gh.limiterFor(t));
    return RESOURCES.map((r) => utilisation(windows, r, from, to, r === 'search' ? hourMs / 60 : hourMs));
  });
  const byResource = RESOURCES.map((r) => totalUtilisation(perToken.flat(), r));
  const binding = [...byResource].sort((a, b) => b.share - a.share)[0];
  const out: Record<string, string | number> = {
    quota_utilisation: (binding?.share ?? 0).toFixed(3), quota_binding_resource: binding?.resource ?? '-', quota_windows: binding?.windows ?? 0,
    limit_exceeded: gh.counters.primary_refused + gh.counters.content_refused + gh.counters.concurrency_refused,
    limit_exceeded_primary: gh.counters.primary_refused, limit_exceeded_content: gh.counters.content_refused, limit_exceeded_concurrency: gh.counters.concurrency_refused,
  };
  for (const u of byResource) out[`quota_used_${u.resource}`] = `${u.used}/${u.allowed}`;
  perToken.forEach((uses, i) => {
    for (const u of uses) out[`token_${i + 1}_used_${u.resource}`] = `${u.used}/${u.allowed}`;
    const own = uses.find((u) => u.resource === binding?.resource);
    out[`token_${i + 1}_utilisation`] = (own?.share ?? 0).toFixed(3);
  });
  const c = gh.counters;
  Object.assign(out, { requests_rest: c.rest_read + c.rest_write, requests_search: c.search, graphql_points: c.graphql_points, graphql_requests: c.graphql_requests });
  return out;
}

export default async function quota(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const tokens = benchTokens(a.tokens);
  buildCli(); // the worker runs the compiled CLI, as in production
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-quota-'));
  mkdirSync(join(dir, 'local'));
  const gh = await startGitHubStandIn({ dir: join(dir, 'gh'), seedWorld: false, hourMs: a.hourMs, limits: { core: a.core, graphql: a.graphql, forkDelayMs: 0 } });
  try {
    await seedQuotaWorld(gh.world, a.repos, a.issues);
    const stack = await startScaleStack(dir, join(dir, 'local'), {
      GITHUB_API_URL: gh.url, ...tokenEnv(tokens), GLOBALLM_GITHUB_QUEUE_RATE: '1000', GLOBALLM_BUDGET_LANGUAGE_ISSUES: String(a.issues * 2),
    });
    try {
      const t0 = gh.clock.now();
      const campaign = await startCampaign(stack.client, { id: 'quota', forge: 'github', minStars: 0, maxRepos: a.repos, maxIssues: a.issues, analyzer: 'offline' }, { taskQueuePrefix: PREFIX });
      const result = await campaign.result();
      const t1 = gh.clock.now();
      const minutes = (t1 - t0) / 60_000;
      const figures = {
        issues: a.issues, repos: a.repos, tokens: a.tokens, hour_ms: a.hourMs, quota_core: a.core, quota_graphql: a.graphql,
        enqueued: result.enqueued, finished: result.finished, issues_per_min: (result.finished / minutes).toFixed(1), wall_s: ((t1 - t0) / 1000).toFixed(1),
        ...limitFigures(gh, tokens, t0, t1, a.hourMs), outcomes: JSON.stringify(result.outcomes), load_avg_1m: loadavg()[0]?.toFixed(2) ?? '-',
      };
      process.stdout.write(`${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
    } finally {
      await stack.close();
    }
  } finally {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
