import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SandboxViolation } from '../../errors.js';
import { environmentMounts, runMounts } from '../../environment/prepare.js';
import type { PreparedEnvironment } from '../../environment/schema.js';
import { logger } from '../../log.js';
import { checkoutBaseTree } from '../policy/base-tree.js';
import { checkPatchPolicy, describeRefusal } from '../policy/patch.js';
import { detectRepoModel } from '../../repo-model/detect.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { RunResult } from '../../sandbox/schema.js';
import { compareResults, decideVerdict, newFailing, withRepeats, type Comparison } from './compare.js';
import { parseTestOutput } from './parse-results.js';
import { checkPatchFiles, isTestPath, splitPatch, testOnlyPatch, type PatchFile } from './patch-files.js';
import { HOOK_FILES, HOOKS_DIR, RESULTS_DIR, reportEnv } from './reports/hooks.js';
import { readReports } from './reports/read.js';
import { ValidationReport, type EnvironmentSummary, type SuiteRun } from './schema.js';
import { checkNoSymlinkOnPath, gitApply, Workspace } from './workspace.js';

const log = logger.child({ component: 'validate' });

export interface ValidateOptions {
  /** A local checkout at the base commit (never modified: the work happens on copies). */
  repo: string;
  /** The unified diff to judge. */
  patch: string;
  /** Test changes applied on both sides (the SWE-bench `test.patch`). */
  testPatch?: string;
  sandbox: Sandbox;
  /** The prepared dependencies, mounted read-only into every run; null when the repository needs none. */
  environment?: PreparedEnvironment | null;
  /** Test argv; detected from the base checkout when omitted — never from the patch. */
  testCommand?: string[];
  timeoutMs?: number;
  memoryMb?: number;
  cpuSeconds?: number;
  /** Kill a run whose worktree grows past this (MiB). */
  diskMb?: number;
  signal?: AbortSignal;
}

const TAIL_CHARS = 4000;
/** The before and after runs go side by side only with this many CPUs: two for each suite. */
const SIDE_BY_SIDE_MIN_CPUS = 4;
/** Report folders a build tool writes in the tree: cleared before each run so only this run's count. */
const TREE_REPORT_DIRS = ['target/surefire-reports', 'target/failsafe-reports', 'build/test-results'];

export function summarizeEnvironment(env: PreparedEnvironment): EnvironmentSummary {
  return { ecosystem: env.plan.ecosystem, manager: env.plan.manager, key: env.key, cacheHit: env.cacheHit, durationMs: env.durationMs, notes: env.notes };
}

function emptyReport(partial: Partial<ValidationReport> & Pick<ValidationReport, 'verdict' | 'reasons'>): ValidationReport {
  return ValidationReport.parse({
    applied: false, testCommand: [], before: null, after: null,
    fixed: [], broken: [], newTests: [], stillFailing: [], flaky: [], touchedFiles: [], environment: null, ...partial,
  });
}

function parsePatchFiles(text: string, label: string): PatchFile[] {
  const files = splitPatch(text);
  if (files.length === 0) throw new SandboxViolation(`the ${label} holds no file changes`);
  checkPatchFiles(files);
  return files;
}

/** Like Promise.all, but waits for every part to finish before throwing (nothing may still write into a workspace being removed). */
async function settled<T extends readonly unknown[]>(parts: { [K in keyof T]: Promise<T[K]> | T[K] }): Promise<T> {
  const results = await Promise.allSettled(parts);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The trees to compare: before = base + test changes; after = base + test changes + the fix. */
interface Trees { before: string; after: string }

async function buildTrees(ws: Workspace, opts: ValidateOptions, files: PatchFile[], testFiles: PatchFile[]): Promise<Trees | string> {
  // The two copies are independent: made, checked and patched side by side.
  const [patchFile, testPatchFile, before, after] = await settled([
    ws.writeFile('change.patch', opts.patch),
    opts.testPatch !== undefined ? ws.writeFile('test.patch', opts.testPatch) : null,
    ws.copy(opts.repo, 'before'),
    ws.copy(opts.repo, 'after'),
  ]);
  const touched = [...files, ...testFiles].flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null);
  await settled(touched.flatMap((p) => [checkNoSymlinkOnPath(before, p), checkNoSymlinkOnPath(after, p)]));
  if (testPatchFile) {
    const errs = await Promise.all([before, after].map((tree) => gitApply(tree, testPatchFile)));
    const err = errs.find((e) => e !== null);
    if (err) return `the test patch does not apply: ${err}`;
  }
  // The patch's own test changes go on the "before" side too, so its new tests show the bug there.
  const hasCode = files.some((f) => [f.oldPath, f.newPath].some((p) => p !== null && !isTestPath(p)));
  const ownTests = hasCode ? testOnlyPatch(files) : null;
  const [err, ownErr] = await Promise.all([
    gitApply(after, patchFile),
    ownTests ? ws.writeFile('own-tests.patch', ownTests).then((f) => gitApply(before, f)) : null,
  ]);
  if (err !== null) return `the patch does not apply: ${err}`;
  if (ownErr) log.warn({ err: ownErr }, 'the patch\'s test changes do not apply on their own; the before side runs without them');
  return { before, after };
}

/**
 * Before/after validation of a patch: the base with the test changes, then with the fix too,
 * each run in the sandbox with no network and the prepared environment mounted read-only (the two
 * sides at the same time on a machine of four CPUs or more).
 * Per-test results come from the runner's own report where it gives one (our hooks ask for
 * it), else from its output. A decisive test whose outcome differs between the two sides is
 * run again on the side where it failed; if it passes there, it is named flaky.
 */
export async function validatePatch(opts: ValidateOptions): Promise<ValidationReport> {
  const environment = opts.environment ? summarizeEnvironment(opts.environment) : null;
  // The policy applies to everything the patch and the test patch change; nothing runs when it refuses.
  const refusals = [
    ...(await checkPatchPolicy(opts.patch, checkoutBaseTree(opts.repo))),
    ...(opts.testPatch !== undefined ? await checkPatchPolicy(opts.testPatch, checkoutBaseTree(opts.repo)) : []),
  ];
  if (refusals.length > 0) return emptyReport({ verdict: 'refused', reasons: refusals.map(describeRefusal), environment });
  let files: PatchFile[];
  let testFiles: PatchFile[] = [];
  try {
    files = parsePatchFiles(opts.patch, 'patch');
    if (opts.testPatch !== undefined) testFiles = parsePatchFiles(opts.testPatch, 'test patch');
  } catch (err) {
    if (err instanceof SandboxViolation) return emptyReport({ verdict: 'error', reasons: [`patch rejected: ${err.message}`], environment });
    throw err;
  }
  const touchedFiles = [...new Set([...files, ...testFiles].flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null))].sort();
  const ws = await Workspace.create();
  try {
    const trees = await buildTrees(ws, opts, files, testFiles);
    if (typeof trees === 'string') return emptyReport({ verdict: 'error', reasons: [trees], touchedFiles, environment });

    // The test command comes from the base commit, never from the patch.
    const testCommand = opts.testCommand ?? (await detectRepoModel(opts.repo)).commands.test?.argv;
    if (!testCommand) return emptyReport({ verdict: 'error', reasons: ['no test command found for this repository; pass one with --test-cmd'], applied: true, touchedFiles, environment });

    const hooks = await ws.dir('hooks', 0o755);
    for (const [name, text] of Object.entries(HOOK_FILES)) await ws.writeFileIn(hooks, name, text);
    let runs = 0;
    const run = async (tree: string): Promise<SuiteRun> => {
      const n = ++runs; // runs overlap: each keeps its own number
      const results = await ws.dir(`results-${n}`, 0o755);
      await Promise.all(TREE_REPORT_DIRS.map((d) => rm(path.join(tree, d), { recursive: true, force: true })));
      const env = opts.environment;
      const scratchDir = env ? await ws.dir(`scratch-${n}`, 0o755) : null;
      const scratch = env && scratchDir ? await runMounts(env, scratchDir) : [];
      await opts.sandbox.prepareWorktree(tree, results, ...scratch.map((m) => m.source));
      const r = await opts.sandbox.run({
        cwd: tree, argv: testCommand, network: false,
        env: { ...env?.plan.testEnv, ...reportEnv() },
        pathPrepend: env?.plan.pathPrepend ?? [],
        mounts: [...(env ? environmentMounts(env) : []), ...scratch, { source: hooks, target: HOOKS_DIR, writable: false }, { source: results, target: RESULTS_DIR, writable: true }],
        timeoutMs: opts.timeoutMs ?? 600_000, memoryMb: opts.memoryMb ?? 4096, cpuSeconds: opts.cpuSeconds ?? 1200,
        ...(opts.diskMb !== undefined ? { diskMb: opts.diskMb } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      // A copied build cache can be large: gone as soon as its run is.
      if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
      return toSuiteRun(r, await readReports(results, tree));
    };

    // The two sides are independent trees: with cores to spare they run side by side, and so do
    // their repeats; on a smaller machine one after the other, so that neither slows the other's
    // timing-sensitive tests.
    const sideBySide = availableParallelism() >= SIDE_BY_SIDE_MIN_CPUS;
    const both = <A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> =>
      sideBySide ? settled<[A, B]>([a(), b()]) : a().then(async (x) => [x, await b()]);
    const [before, after] = await both(() => run(trees.before), () => run(trees.after));
    let cmp: Comparison = compareResults(before.results, after.results);
    const stop = (s: SuiteRun): boolean => s.timedOut || s.cancelled;
    if (!stop(before) && !stop(after) && before.parsed && after.parsed) {
      const failingNew = newFailing(cmp, after.results);
      const [beforeAgain, afterAgain] = await both(
        async () => (cmp.fixed.length > 0 ? run(trees.before) : null),
        async () => (cmp.broken.length > 0 || failingNew.length > 0 ? run(trees.after) : null),
      );
      cmp = withRepeats(cmp, { before: beforeAgain?.results ?? null, after: afterAgain?.results ?? null }, failingNew);
    }
    const changesCode = files.some((f) => [f.oldPath, f.newPath].some((p) => p !== null && !isTestPath(p)));
    const { verdict, reasons } = decideVerdict({ before, after, cmp, changesCode, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
    const blocked = [...before.violations, ...after.violations].filter((v) => v.kind === 'network' || v.kind === 'filesystem');
    if (blocked.length > 0) reasons.push(`the sandbox blocked ${blocked.length} attempt(s) to reach the network or write outside the worktree`);
    if (environment) reasons.push(...environment.notes);
    return ValidationReport.parse({ verdict, reasons, applied: true, testCommand, before, after, ...cmp, touchedFiles, environment });
  } catch (err) {
    if (err instanceof SandboxViolation) return emptyReport({ verdict: 'error', reasons: [`patch rejected: ${err.message}`], touchedFiles, environment });
    throw err;
  } finally {
    await ws.dispose();
  }
}

function toSuiteRun(r: RunResult, report: Awaited<ReturnType<typeof readReports>>): SuiteRun {
  const text = `${r.stdout}\n${r.stderr}`;
  const fromOutput = report.size > 0 ? null : parseTestOutput(text);
  const results = fromOutput ? fromOutput.results : report.results();
  const parsed = report.size > 0 || (fromOutput?.parsed ?? false);
  return {
    exitCode: r.exitCode, timedOut: r.timedOut, cancelled: r.cancelled, durationMs: r.durationMs,
    results, parsed, resultSource: report.size > 0 ? 'report' : parsed ? 'output' : 'none',
    violations: r.violations, outputTail: text.trim().slice(-TAIL_CHARS),
  };
}
