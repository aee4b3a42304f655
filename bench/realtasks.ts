// Real bug-fix tasks (SWE-bench layout) through the project's own validation path: prepared
// environments, per-test reports, verdicts, sandbox overhead and model-free localization.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { runGit } from '../src/git/run.js';
import { EnvironmentCache } from '../src/environment/cache.js';
import { environmentMounts, prepareEnvironment, runMounts } from '../src/environment/prepare.js';
import type { PreparedEnvironment } from '../src/environment/schema.js';
import { splitTestCommand } from '../src/cli/commands/validate.js';
import { validatePatch } from '../src/fix/validate/validate.js';
import type { ValidationReport } from '../src/fix/validate/schema.js';
import { gitApply } from '../src/fix/validate/workspace.js';
import { buildRepoIndex } from '../src/fix/repo-map/build.js';
import { issueMentions } from '../src/fix/repo-map/mentions.js';
import { rankFiles } from '../src/fix/repo-map/rank.js';
import { codeSearch } from '../src/fix/repo-map/search.js';
import { BubblewrapSandbox } from '../src/sandbox/bubblewrap.js';
import { registryHosts, trustEnv } from '../src/sandbox/egress/registries.js';
import { projectRoot } from '../src/util/project-root.js';
import { loadTasks, median, patchFiles, type RealTask } from './realtasks/tasks.js';
import { runOracle, stopOracleStack } from './realtasks/oracle.js';
import { bareLayout } from './realtasks/bare-layout.js';
import { progressBar } from '../src/cli/progress.js';

const execFileP = promisify(execFile);

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function checkout(task: RealTask, into: string): Promise<void> {
  await runGit(['clone', '--quiet', '--no-checkout', '--', task.source, into], { timeoutMs: 300_000, allowProtocols: ['file'] });
  await runGit(['checkout', '--quiet', task.meta.base_commit], { cwd: into, timeoutMs: 300_000, config: ['advice.detachedHead=false'] });
}

interface ModeResult { a: ValidationReport; b: ValidationReport; validateS: number }

function judge(task: RealTask, r: ModeResult): { verdictOk: number; f2p: number; p2p: number } {
  const f2p = task.tests.FAIL_TO_PASS;
  const p2p = task.tests.PASS_TO_PASS;
  const aFailed = new Set(r.a.after?.results.failed ?? []);
  const bFixed = new Set([...r.b.fixed, ...r.b.newTests.filter((t) => r.b.after?.results.passed.includes(t))]);
  const bPassed = new Set(r.b.after?.results.passed ?? []);
  const verdictOk = (r.a.verdict === 'fail' ? 0.5 : 0) + (r.b.verdict === 'pass' ? 0.5 : 0);
  const f2pOk = (f2p.every((t) => aFailed.has(t)) ? 0.5 : 0) + (f2p.every((t) => bFixed.has(t)) ? 0.5 : 0);
  const p2pOk = p2p.every((t) => bPassed.has(t)) && r.b.broken.length === 0 ? 1 : 0;
  return { verdictOk, f2p: f2pOk, p2p: p2pOk };
}

/**
 * The same command in the same prepared tree, outside the sandbox and inside it, the sandboxed
 * run set up as validation sets it up (the environment's mounts and fresh copies of its seeds);
 * outside, the environment is reached where it lies (see bareLayout).
 */
async function overhead(repo: string, task: RealTask, env: PreparedEnvironment, sandbox: BubblewrapSandbox): Promise<number | null> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'globallm-overhead-'));
  await chmod(scratch, 0o711);
  try {
    const tree = path.join(scratch, 'tree');
    await execFileP('cp', ['-a', '--', repo, tree]);
    await gitApply(tree, path.join(task.dir, 'test.patch'));
    await gitApply(tree, path.join(task.dir, 'gold.patch'));
    const argv = splitTestCommand(task.meta.test_cmd);
    const layOut = await bareLayout(env, tree, scratch);
    const runBare = async (): Promise<{ ms: number; code: number | null; error?: string }> => {
      const bare = await layOut();
      const PATH = [...bare.pathPrepend, process.env['PATH'] ?? '/usr/bin:/bin'].join(':');
      const t0 = performance.now();
      let error: string | undefined;
      const code = await new Promise<number | null>((resolve) => {
        const file = argv[0]!.includes('/') ? path.resolve(tree, argv[0]!) : argv[0]!;
        const child = spawn(file, argv.slice(1), { cwd: tree, stdio: 'ignore', env: { ...bare.env, PATH, HOME: scratch } });
        child.on('close', (c) => resolve(c));
        child.on('error', (e) => { error = e.message; resolve(null); });
      });
      const ms = performance.now() - t0;
      await bare.finish();
      return { ms, code, ...(error ? { error } : {}) };
    };
    let boxedRuns = 0;
    const runBoxed = async (): Promise<{ ms: number; code: number | null; stderr: string }> => {
      const own = path.join(scratch, `boxed-${++boxedRuns}`);
      const seeds = await runMounts(env, own);
      await sandbox.prepareWorktree(tree, ...seeds.map((m) => m.source));
      const t1 = performance.now();
      const r = await sandbox.run({ cwd: tree, argv, network: false, mounts: [...environmentMounts(env), ...seeds], env: env.plan.testEnv, pathPrepend: env.plan.pathPrepend, timeoutMs: 600_000, memoryMb: 4096, cpuSeconds: 1200 });
      const ms = performance.now() - t1;
      await rm(own, { recursive: true, force: true });
      return { ms, code: r.exitCode, stderr: r.stderr };
    };
    // Alternate, twice each, and keep the best of each: the machine's other load touches both alike.
    const bare: number[] = [];
    const boxed: number[] = [];
    for (let i = 0; i < 2; i++) {
      const b = await runBare();
      const x = await runBoxed();
      if (b.code !== x.code) {
        process.stderr.write(`${task.id} [overhead]: not comparable: exit ${String(b.code)} outside${b.error ? ` (${b.error})` : ''}, ${String(x.code)} inside\n`);
        return null;
      }
      bare.push(b.ms);
      boxed.push(x.ms);
    }
    const ratio = Math.min(...boxed) / Math.min(...bare);
    process.stderr.write(`${task.id} [overhead]: ${(Math.min(...bare) / 1000).toFixed(2)} s outside, ${(Math.min(...boxed) / 1000).toFixed(2)} s inside\n`);
    return ratio;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function fileRecallAt5(repo: string, task: RealTask): Promise<number> {
  const gold = patchFiles(task.gold);
  const index = await buildRepoIndex(repo);
  const mentions = issueMentions(task.problem);
  const hits = await codeSearch(repo, mentions.identifiers);
  const top = rankFiles(index, mentions, hits).slice(0, 5).map((f) => f.path);
  return gold.length === 0 ? 1 : gold.filter((f) => top.includes(f)).length / gold.length;
}

export default async function main(args: string[]): Promise<void> {
  const tasksDir = path.resolve(arg(args, '--tasks') ?? process.env['REALTASKS_DIR'] ?? path.join(projectRoot, '..', 'shared', 'data', 'realtasks', 'tasks'));
  const tasks = await loadTasks(tasksDir, arg(args, '--only'));
  const modes = (arg(args, '--modes') ?? 'given,detected').split(',').filter((m) => m === 'given' || m === 'detected');
  const withOracle = !args.includes('--no-oracle');
  const work = await mkdtemp(path.join(tmpdir(), 'globallm-realtasks-'));
  await chmod(work, 0o711);
  const cache = new EnvironmentCache(path.join(work, 'envs'), 50_000);
  const sandbox = new BubblewrapSandbox({ registryHosts: registryHosts(process.env), trustEnv: trustEnv(process.env) });
  const cold: number[] = [];
  const cached: number[] = [];
  const validateS: Record<string, number[]> = {};
  const score: Record<string, { verdict: number; f2p: number; p2p: number; n: number }> = {};
  const overheads: number[] = [];
  const recalls: number[] = [];
  const oracle: boolean[] = [];
  let ready = 0;
  const progress = progressBar('realtasks');
  try {
    for (const [i, task] of tasks.entries()) {
      progress.update(i, tasks.length, task.id);
      const repo = path.join(work, task.id);
      await checkout(task, repo);
      recalls.push(await fileRecallAt5(repo, task));
      const first = await prepareEnvironment({ tree: repo, repo: task.meta.repo, sandbox, cache });
      if (!first.ok) {
        progress.log(`${task.id}: environment not ready: ${first.reason.slice(0, 400)}`);
        continue;
      }
      ready++;
      if (!first.env.cacheHit) cold.push(first.env.durationMs / 1000);
      const again = await prepareEnvironment({ tree: repo, repo: task.meta.repo, sandbox, cache });
      if (again.ok && again.env.cacheHit) cached.push(again.env.durationMs / 1000);
      for (const mode of modes) {
        const testCommand = mode === 'given' ? { testCommand: splitTestCommand(task.meta.test_cmd) } : {};
        const a = await validatePatch({ repo, patch: task.test, sandbox, environment: first.env, ...testCommand });
        const t0 = performance.now();
        const b = await validatePatch({ repo, patch: task.gold, testPatch: task.test, sandbox, environment: first.env, ...testCommand });
        const r = { a, b, validateS: (performance.now() - t0) / 1000 };
        (validateS[mode] ??= []).push(r.validateS);
        const j = judge(task, r);
        const s = (score[mode] ??= { verdict: 0, f2p: 0, p2p: 0, n: 0 });
        s.verdict += j.verdictOk; s.f2p += j.f2p; s.p2p += j.p2p; s.n++;
        progress.log(`${task.id} [${mode}]: a=${a.verdict} b=${b.verdict} (${r.validateS.toFixed(1)} s)${b.verdict !== 'pass' ? ` ${b.reasons.join('; ').slice(0, 300)}` : ''}`);
      }
      const o = modes.includes('given') ? await overhead(repo, task, first.env, sandbox) : null;
      if (o !== null) overheads.push(o);
      if (withOracle) oracle.push(await runOracle(task, repo));
    }
    progress.update(tasks.length, tasks.length, 'done');
  } finally {
    progress.stop();
    await stopOracleStack();
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
  const rate = (x: number, n: number): string => (n === 0 ? 'nan' : (x / n).toFixed(3));
  const lines = [`tasks=${tasks.length}`, `env_ready_rate=${rate(ready, tasks.length)}`];
  for (const mode of modes) {
    const s = score[mode] ?? { verdict: 0, f2p: 0, p2p: 0, n: 0 };
    lines.push(`verdict_accuracy_${mode}=${rate(s.verdict, s.n)}`, `f2p_agreement_${mode}=${rate(s.f2p, s.n)}`, `p2p_agreement_${mode}=${rate(s.p2p, s.n)}`, `median_validate_s_${mode}=${median(validateS[mode] ?? []).toFixed(2)}`);
  }
  const all = Object.values(score).reduce((t, s) => ({ verdict: t.verdict + s.verdict, f2p: t.f2p + s.f2p, p2p: t.p2p + s.p2p, n: t.n + s.n }), { verdict: 0, f2p: 0, p2p: 0, n: 0 });
  lines.push(`verdict_accuracy=${rate(all.verdict, all.n)}`, `f2p_agreement=${rate(all.f2p, all.n)}`, `p2p_agreement=${rate(all.p2p, all.n)}`);
  if (withOracle) lines.push(`oracle_resolve_rate=${rate(oracle.filter(Boolean).length, oracle.length)}`);
  lines.push(
    `median_env_cold_s=${median(cold).toFixed(2)}`, `median_env_cached_s=${median(cached).toFixed(3)}`,
    `median_validate_s=${median(Object.values(validateS).flat()).toFixed(2)}`,
    `sandbox_overhead=${median(overheads).toFixed(3)}`, `file_recall_at_5=${rate(recalls.reduce((a, b) => a + b, 0), recalls.length)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
