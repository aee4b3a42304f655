// `npm run bench -- scale [issues] [repos] [--sizes=0.01,0.1,1]`: one local-forge campaign with no
// model (offline analysis) over a generated world of `repos` repositories and `issues` open issues
// (default 100 and 10,000), at each fraction of that size, on a fresh stack each time. Prints, per
// size, throughput, issue wall times, queue waits, CPU, history and PostgreSQL figures, then
// `cost_growth_*`: how each per-issue cost grew from the smallest size to the largest.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../scripts/build-cli.js';
import { startCampaign } from '../src/campaign/start.js';
import { createScaleWorld } from './scale/world.js';
import { PREFIX, startScaleStack } from './scale/stack.js';
import { treeCpuSeconds } from './scale/cpu.js';
import { countEventTypes, historySize, issueRuns, taskTimes, sample, type HistorySize } from './scale/histories.js';
import { tableFigures } from './scale/postgres.js';
import { addFixableRepos, modelEnv, startScaleLlm } from './scale/llm.js';

type Figures = Record<string, number | string>;

const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** The server's default suggestion to continue as new comes at 4 Ki events; its warning at 10 Ki. */
const BOUNDED_EVENTS = 10_240;

type Mode = 'offline' | 'llm';

/**
 * One campaign over a fresh world and stack. `llm`: the worker has a model (the LLM stand-in),
 * and `fixable` copies of the example libraries join the world, one fixable issue each.
 */
async function runSize(issues: number, repos: number, mode: Mode, fixable: number, inFlight: number | undefined): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-scale-'));
  const root = join(dir, 'repos');
  const llm = mode === 'llm' ? await startScaleLlm() : undefined;
  try {
    await createScaleWorld(root, repos, issues);
    if (llm) {
      await addFixableRepos(root, fixable);
      issues += fixable;
      repos += fixable;
    }
    // The weekly per-language issue cap would skip most of a large campaign at its analyze stage;
    // with a model, the token budgets would stop it before its end (this measures throughput).
    const stack = await startScaleStack(dir, root, {
      GLOBALLM_BUDGET_LANGUAGE_ISSUES: String(issues * 2),
      ...(llm ? { ...modelEnv(llm, issues), GLOBALLM_BUDGET_WEEKLY_TOKENS: String(issues * 100_000), GLOBALLM_BUDGET_REPO_TOKENS: String(issues * 100_000) } : {}),
    });
    try {
      const cpu = (): Record<'worker' | 'temporal' | 'postgres', number> => ({
        worker: treeCpuSeconds(stack.worker.pid), temporal: treeCpuSeconds(stack.temporal.pid), postgres: treeCpuSeconds(stack.db.pid),
      });
      const before = cpu();
      const t0 = Date.now();
      const campaign = await startCampaign(stack.client, { id: 'scale', forge: 'local', minStars: 0, maxRepos: repos, maxIssues: issues, analyzer: 'offline', ...(inFlight !== undefined ? { inFlight } : {}) }, { taskQueuePrefix: PREFIX });
      const result = await campaign.result();
      const wallS = (Date.now() - t0) / 1000;
      const after = cpu();
      const model: Figures = llm ? { fixable_issues: fixable, llm_requests: llm.calls.length } : {};
      return { ...await measure(stack, issues, result.enqueued, wallS, t0, campaign.runId), ...cpuFigures(before, after, result.enqueued), ...model, outcomes: JSON.stringify(result.outcomes) };
    } finally {
      await stack.close();
    }
  } finally {
    await llm?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU per issue of each process, and the throughput that CPU alone would allow on this machine's
 * cores if nothing else ran on them (the machine's load average says how much else did).
 */
function cpuFigures(before: Record<string, number>, after: Record<string, number>, issues: number): Figures {
  const out: Figures = {};
  let total = 0;
  for (const k of Object.keys(before)) {
    const ms = ((after[k] ?? 0) - (before[k] ?? 0)) * 1000 / Math.max(1, issues);
    total += ms;
    out[`${k}_cpu_ms_per_issue`] = Math.round(ms);
  }
  out['cpu_ceiling_issues_per_min'] = total > 0 ? Math.round((60_000 / total) * cpus().length) : 0;
  out['machine_load_1m'] = loadavg()[0]?.toFixed(1) ?? '?';
  return out;
}

async function measure(stack: Awaited<ReturnType<typeof startScaleStack>>, issues: number, enqueued: number, wallS: number, t0: number, campaignRunId: string): Promise<Figures> {
  const runs = await issueRuns(stack.client);
  const firstStart = Math.min(...runs.map((r) => r.startMs));
  const times = { waits: new Map<string, number[]>(), activities: new Map<string, number[]>() };
  taskTimes(await stack.client.workflow.getHandle('campaign/scale', campaignRunId).fetchHistory(), times);
  const issueEvents: number[] = [];
  const issueTypes = new Map<string, number>();
  const sampled = sample(runs, 300);
  for (const r of sampled) {
    const history = await stack.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
    issueEvents.push(history.events?.length ?? 0);
    countEventTypes(history, issueTypes);
    taskTimes(history, times);
  }
  const campaign = await historySize(stack.client, 'campaign/scale');
  const repoSizes: HistorySize[] = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId STARTS_WITH 'repo/local/'` })) repoSizes.push(await historySize(stack.client, wf.workflowId));
  const sizes: HistorySize[] = [campaign, ...repoSizes];
  for (const r of sample(runs, 20)) sizes.push(await historySize(stack.client, r.workflowId));
  const largest = sizes.reduce((a, b) => (b.events > a.events ? b : a));
  const db = await tableFigures(stack.pool);
  const out: Figures = {
    issues_enqueued: enqueued, issues_closed: runs.length, campaign_wall_s: wallS.toFixed(1), prepare_s: ((firstStart - t0) / 1000).toFixed(1),
    issues_per_min: (enqueued / (wallS / 60)).toFixed(1),
    p50_issue_wall_s: percentile(runs.map((r) => r.wallS), 50).toFixed(2), p95_issue_wall_s: percentile(runs.map((r) => r.wallS), 95).toFixed(2),
    issue_history_events_p50: percentile(issueEvents, 50),
    ...eventFigures(issueTypes, sampled.length, campaign, repoSizes, Math.max(1, enqueued)),
    largest_history: largest.workflowId, largest_history_events: largest.events, largest_history_bytes: largest.bytes,
    campaign_runs: sizes[0]?.runs ?? 0, history_bounded: largest.events <= BOUNDED_EVENTS ? 'yes' : 'no',
    pg_rows_per_issue: (db.rows / Math.max(1, issues)).toFixed(1), pg_bytes_per_issue: Math.round(db.bytes / Math.max(1, issues)),
    pg_largest_table: `${db.byTable[0]?.table ?? '-'}:${db.byTable[0]?.bytes ?? 0}`,
  };
  for (const [queue, xs] of [...times.waits].sort()) out[`schedule_to_start_p95_ms_${queue.replace(/[^A-Za-z0-9]+/g, '_')}`] = Math.round(percentile(xs, 95));
  for (const [type, xs] of [...times.activities].sort()) out[`activity_p50_ms_${type}`] = Math.round(percentile(xs, 50));
  return out;
}

const perIssue = (byType: Map<string, number>, n: number): string =>
  JSON.stringify(Object.fromEntries([...byType].sort((a, b) => b[1] - a[1]).map(([t, c]) => [t, Number((c / n).toFixed(2))])));

/**
 * History events per issue in every workflow it touches (its own, its repository's, its
 * campaign's), by type: each event is work for the Temporal server, so fewer is cheaper.
 */
function eventFigures(issueTypes: Map<string, number>, sampled: number, campaign: HistorySize, repos: HistorySize[], issues: number): Figures {
  const repoTypes = new Map<string, number>();
  for (const r of repos) for (const [t, c] of r.byType) repoTypes.set(t, (repoTypes.get(t) ?? 0) + c);
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const own = sum(issueTypes) / Math.max(1, sampled);
  const inRepos = sum(repoTypes) / issues;
  const inCampaign = campaign.total / issues;
  return {
    events_per_issue: (own + inRepos + inCampaign).toFixed(1),
    issue_events_by_type: perIssue(issueTypes, Math.max(1, sampled)),
    repo_events_per_issue_by_type: perIssue(repoTypes, issues),
    campaign_events_per_issue_by_type: perIssue(campaign.byType, issues),
  };
}

/** Figures whose growth says whether a cost per issue stays flat as the campaign grows. */
const GROWTH = ['p50_issue_wall_s', 'p95_issue_wall_s', 'prepare_s', 'worker_cpu_ms_per_issue', 'temporal_cpu_ms_per_issue', 'postgres_cpu_ms_per_issue', 'pg_rows_per_issue', 'pg_bytes_per_issue', 'largest_history_events', 'events_per_issue', 'issues_per_min'];

const USAGE = 'usage: npm run bench -- scale [issues] [repos] [--sizes=0.01,0.1,1] [--modes=offline,llm] [--fix-sample=0.01] [--in-flight=N]';

function parseArgs(args: string[]): { issues: number; repos: number; sizes: number[]; modes: Mode[]; fixSample: number; inFlight: number | undefined } {
  const flags = args.filter((a) => a.startsWith('--'));
  const flag = (name: string, fallback: string): string => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const known = ['sizes', 'modes', 'fix-sample', 'in-flight'];
  const unknown = flags.find((f) => !known.some((k) => f.startsWith(`--${k}=`)));
  if (unknown) throw new Error(`unknown flag ${unknown}; ${USAGE}`);
  const [issues = 10_000, repos = 100] = args.filter((a) => !a.startsWith('--')).map(Number);
  const sizes = flag('sizes', '0.01,0.1,1').split(',').map(Number);
  const modes = flag('modes', 'offline,llm').split(',');
  const fixSample = Number(flag('fix-sample', '0.01'));
  if (![issues, repos, ...sizes].every((n) => Number.isFinite(n) && n > 0)) throw new Error(USAGE);
  if (!(fixSample > 0 && fixSample <= 1)) throw new Error(`--fix-sample must be within (0, 1]; ${USAGE}`);
  if (modes.length === 0 || !modes.every((m): m is Mode => m === 'offline' || m === 'llm')) throw new Error(`--modes takes offline and llm; ${USAGE}`);
  const inFlightText = flag('in-flight', '');
  const inFlight = inFlightText === '' ? undefined : Number(inFlightText);
  if (inFlight !== undefined && !(Number.isInteger(inFlight) && inFlight >= 1)) throw new Error(`--in-flight takes a whole number of at least 1; ${USAGE}`);
  return { issues, repos, sizes, modes, fixSample, inFlight };
}

export default async function scale(args: string[]): Promise<void> {
  const { issues, repos, sizes, modes, fixSample, inFlight } = parseArgs(args);
  buildCli(); // the worker runs the compiled CLI, as in production
  const results = new Map<Mode, Array<{ issues: number; figures: Figures }>>(modes.map((m) => [m, []]));
  for (const f of sizes) {
    const n = Math.max(1, Math.round(issues * f));
    const r = Math.max(1, Math.round(repos * f));
    for (const mode of modes) {
      const fixable = Math.max(1, Math.round(n * fixSample));
      const figures = await runSize(n, r, mode, fixable, inFlight);
      results.get(mode)?.push({ issues: n, figures });
      const suffix = mode === 'llm' ? `llm_${n}` : String(n);
      process.stdout.write(`size=${n}_issues_${r}_repos${mode === 'llm' ? `_plus_${fixable}_fixable_with_model` : ''}\n${Object.entries(figures).map(([k, v]) => `${k}_${suffix}=${v}`).join('\n')}\n`);
    }
  }
  for (const [mode, rs] of results) printGrowth(rs, mode === 'llm' ? '_llm' : '');
}

function printGrowth(results: Array<{ issues: number; figures: Figures }>, suffix: string): void {
  const [first, last] = [results[0], results.at(-1)];
  if (!first || !last || first === last) return;
  for (const k of GROWTH) {
    const a = Number(first.figures[k]);
    const b = Number(last.figures[k]);
    process.stdout.write(`cost_growth_${k}${suffix}_${first.issues}_to_${last.issues}=${a > 0 ? (b / a).toFixed(2) : 'n/a'}\n`);
  }
}
