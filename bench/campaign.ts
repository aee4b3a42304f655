// `npm run bench -- campaign [--issues N] [--timeout-s N] [--cpu-prof DIR]`: one campaign on the stand-ins through
// the real workflows, started as people start it (`globallm campaign start --wait`, the compiled
// CLI) against a fresh stack run by the production worker process (`globallm worker`). The world
// is `--issues` (default 12) seeded local-forge copies of the example libraries, one fixable bug
// each; the LLM stand-in analyzes (a triage answer per quoted issue) and answers each bug with
// the example fix, whose new test fails before and passes after. Prints what was selected,
// decided, lost or duplicated, whether `--wait` returned, the analysis tokens per issue from the
// budget ledger, the worker's orchestration CPU per issue, and the Temporal tasks per issue
// (workflow tasks, activities, local activities) that CPU pays for.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { buildCli } from '../scripts/build-cli.js';
import { exampleScript } from '../src/examples/demo-script.js';
import { startLlmStandIn, type LlmStandIn } from '../src/sim/llm/server.js';
import { projectRoot } from '../src/util/project-root.js';
import { createChaosRepos } from './chaos/repos.js';
import { budgetDrift, duplicates, lostIssues } from './chaos/audit.js';
import { startScaleStack, type ScaleStack } from './scale/stack.js';
import { childrenByParent, stat, threadTicksByName, TICKS_PER_S, treeTicks } from './scale/cpu.js';
import { ChildrenCpuSampler } from './campaign/children-cpu.js';
import { parseBenchFlags } from './flags.js';
import { sdkTasks } from './campaign/sdk-tasks.js';
import { triageRule } from './tokens/answer.js';

const ID = 'bench-campaign';
/** A current model the stand-in lists and the price table knows. */
const MODEL = 'claude-haiku-4-5';

const Args = z.object({
  issues: z.coerce.number().int().min(1).max(200).default(12),
  timeoutS: z.coerce.number().int().min(10).default(1200),
  /** Where the worker writes V8 CPU profiles (`node --cpu-prof`), one per thread, when it stops. */
  cpuProf: z.string().min(1).optional(),
});
type Args = z.infer<typeof Args>;

/** What `campaign start --wait --json` prints once the campaign is done. */
const Progress = z.object({ phase: z.string(), issues: z.number(), enqueued: z.number(), finished: z.number(), outcomes: z.record(z.string(), z.number()) });
type Progress = z.infer<typeof Progress>;

/** Runs the compiled CLI's `campaign start --wait`; its final JSON, or undefined if it failed or did not return in time. */
function startAndWait(env: NodeJS.ProcessEnv, issues: number, timeoutS: number): Promise<Progress | undefined> {
  const args = ['campaign', 'start', '--id', ID, '--forge', 'local', '--analyzer', 'llm', '--max-repos', String(issues), '--max-issues', String(issues), '--wait', '--json'];
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutS * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const parsed = code === 0 ? Progress.safeParse(JSON.parse(out.slice(out.indexOf('{')) || '{}')) : undefined;
      resolve(parsed?.success ? parsed.data : undefined);
    });
  });
}

/** Tokens charged to the campaign in the budget ledger: its analysis (purpose `triage`) and the rest (its issues' fixes). */
async function ledger(stack: ScaleStack): Promise<{ analysis: number; fix: number }> {
  const r = await stack.pool.query<{ analysis: string; fix: string }>(
    `SELECT COALESCE(sum(charged_tokens) FILTER (WHERE purpose = 'triage'), 0) AS analysis,
            COALESCE(sum(charged_tokens) FILTER (WHERE purpose <> 'triage'), 0) AS fix
       FROM budget_reservations WHERE campaign = $1 AND state = 'settled'`, [ID]);
  return { analysis: Number(r.rows[0]?.analysis ?? 0), fix: Number(r.rows[0]?.fix ?? 0) };
}

/**
 * The worker process's own CPU ticks and its children's: those reaped, and those still living with
 * everything below them (its command helper, which lives as long as the worker).
 */
function workerTicks(pid: number): { own: number; children: number } {
  const own = stat(pid)?.self ?? 0;
  return { own, children: treeTicks(pid, childrenByParent()) - own };
}

/**
 * The worker's own CPU ticks over the campaign by thread name, most first (`main`: the event loop,
 * where activities run; `node`: the workflow threads; `libuv-worker`: file system and DNS; `V8 …`: compilation and GC;
 * `tokio-…`: the Temporal SDK's core); `exited` is what threads gone by the end used.
 */
function threadCpu(before: Map<string, number>, after: Map<string, number>, ownTicks: number): Record<string, number> {
  const used = [...after].map(([name, t]) => [name, t - (before.get(name) ?? 0)] as const).filter(([, t]) => t > 0);
  const exited = ownTicks - used.reduce((a, [, t]) => a + t, 0);
  return Object.fromEntries([...used, ...(exited > 0 ? [['exited', exited] as const] : [])].sort((a, b) => b[1] - a[1]));
}

/** The idle worker's own CPU (polling, timers) in ms per second, over a few seconds before the campaign. */
async function idleCpuMsPerS(pid: number, seconds = 5): Promise<number> {
  const a = workerTicks(pid).own;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((workerTicks(pid).own - a) * 1000) / TICKS_PER_S / seconds;
}

async function run(args: Args, dir: string, llm: LlmStandIn): Promise<Record<string, string | number>> {
  const root = join(dir, 'repos');
  const repos = await createChaosRepos(root, args.issues);
  const stack = await startScaleStack(dir, root, {
    ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: llm.url, GLOBALLM_ANTHROPIC_MODEL: MODEL,
    // Every local-forge repository has the same owner: its cap would keep most fixes from opening.
    GLOBALLM_MAX_OPEN_PRS_PER_OWNER: String(args.issues), GLOBALLM_BUDGET_LANGUAGE_ISSUES: String(args.issues * 2),
  }, args.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(args.cpuProf)}`]);
  try {
    const pid = stack.worker.pid ?? 0;
    // Orchestration CPU: the worker's CPU over the campaign from /proc — its own (every thread: the
    // SDK, the workflows, the activities' code) plus its children's outside sandbox runs (its command
    // helper with every command it ran: git, cp, du, chown; any other command), by child (see ChildrenCpuSampler). Model
    // waits cost the worker no CPU: the stand-in runs in this process.
    const idle = await idleCpuMsPerS(pid);
    const before = workerTicks(pid);
    const threadsBefore = threadTicksByName(pid);
    const sampler = new ChildrenCpuSampler(pid);
    sampler.start();
    const final = await startAndWait(stack.env, args.issues, args.timeoutS);
    const children = sampler.stop();
    const after = workerTicks(pid);
    const threads = threadCpu(threadsBefore, threadTicksByName(pid), after.own - before.own);
    const ownS = (after.own - before.own) / TICKS_PER_S;
    const childrenS = (after.children - before.children) / TICKS_PER_S;
    const helperS = children.seconds.helper;
    const ms = (seconds: number): number => Math.round((seconds * 1000) / Math.max(1, final?.enqueued ?? 0));
    const enqueued = final?.enqueued ?? 0;
    const perIssue = Math.max(1, enqueued);
    const tokens = await ledger(stack);
    const dup = await duplicates(stack.pool, root, repos);
    const drift = await budgetDrift(stack.pool, llm.usageTotals);
    const tasks = await sdkTasks(stack.client);
    return {
      issues: enqueued, finished: final?.finished ?? 0,
      outcomes: Object.entries(final?.outcomes ?? {}).map(([o, n]) => `${o}:${n}`).sort().join(','),
      lost: await lostIssues(stack.pool, ID, enqueued), duplicate_prs: dup.prs, duplicate_commits: dup.commits,
      wait_returned: final?.phase === 'done' ? 1 : 0,
      tokens_per_issue: (tokens.analysis / perIssue).toFixed(1),
      fix_tokens_per_issue: (tokens.fix / perIssue).toFixed(1),
      budget_drift_tokens: drift.drift,
      orchestration_cpu_ms_per_issue: ms(ownS + helperS + children.seconds.other),
      worker_own_cpu_ms_per_issue: ms(ownS),
      helper_cpu_ms_per_issue: ms(helperS),
      helper_own_cpu_ms_per_issue: ms(children.helperSelfSeconds),
      other_children_cpu_ms_per_issue: ms(children.seconds.other),
      sandbox_cpu_ms_per_issue: ms(children.seconds.sandbox),
      worker_children_cpu_ms_per_issue: ms(childrenS),
      children_runs: Object.entries(children.runs).map(([c, n]) => `${c}:${n}`).sort().join(','),
      worker_own_cpu_ms_per_issue_by_thread: Object.entries(threads).map(([t, ticks]) => `${t}:${ms(ticks / TICKS_PER_S)}`).join(','),
      worker_idle_cpu_ms_per_s: idle.toFixed(1),
      workflows_per_issue: (tasks.workflows / perIssue).toFixed(2),
      workflow_tasks_per_issue: (tasks.workflowTasks / perIssue).toFixed(1),
      activities_per_issue: (tasks.activities / perIssue).toFixed(1),
      local_activities_per_issue: (tasks.localActivities / perIssue).toFixed(1),
    };
  } finally {
    await stack.close();
  }
}

export default async function campaign(argv: string[]): Promise<void> {
  const args = parseBenchFlags(argv, ['issues', 'timeout-s', 'cpu-prof'], Args, 'npm run bench -- campaign [--issues N] [--timeout-s N] [--cpu-prof DIR]');
  if (!args) return;
  buildCli(); // the worker and the command run the compiled CLI, as in production
  const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-campaign-'));
  const llm = await startLlmStandIn({ script: [triageRule(), ...exampleScript()] });
  try {
    const figures = await run(args, dir, llm);
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k}=${v}\n`);
    if (figures['wait_returned'] !== 1) process.exitCode = 1;
  } finally {
    await llm.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
