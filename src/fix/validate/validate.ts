import { SandboxViolation } from '../../errors.js';
import { logger } from '../../log.js';
import { checkoutBaseTree } from '../policy/base-tree.js';
import { checkPatchPolicy, describeRefusal } from '../policy/patch.js';
import { detectRepoModel } from '../../repo-model/detect.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import type { RunResult } from '../../sandbox/schema.js';
import { compareResults, decideVerdict } from './compare.js';
import { parseTestOutput } from './parse-results.js';
import { checkPatchFiles, isTestPath, splitPatch, testOnlyPatch, type PatchFile } from './patch-files.js';
import { ValidationReport, type SuiteRun } from './schema.js';
import { checkNoSymlinkOnPath, gitApply, Workspace } from './workspace.js';

const log = logger.child({ component: 'validate' });

export interface ValidateOptions {
  /** A local checkout (never modified: the work happens on copies). */
  repo: string;
  /** The unified diff to judge. */
  patch: string;
  sandbox: Sandbox;
  /** Test argv; detected from the repository when omitted. */
  testCommand?: string[];
  timeoutMs?: number;
  memoryMb?: number;
  cpuSeconds?: number;
  signal?: AbortSignal;
}

const TAIL_CHARS = 4000;

function toSuiteRun(r: RunResult): SuiteRun {
  const text = `${r.stdout}\n${r.stderr}`;
  const { results, parsed } = parseTestOutput(text);
  return {
    exitCode: r.exitCode, timedOut: r.timedOut, cancelled: r.cancelled, durationMs: r.durationMs,
    results, parsed, violations: r.violations, outputTail: text.trim().slice(-TAIL_CHARS),
  };
}

function emptyReport(partial: Partial<ValidationReport> & Pick<ValidationReport, 'verdict' | 'reasons'>): ValidationReport {
  return ValidationReport.parse({
    applied: false, testCommand: [], before: null, after: null, testsOnly: null,
    fixed: [], broken: [], newTests: [], stillFailing: [], touchedFiles: [], ...partial,
  });
}

/**
 * Before/after validation of a patch: copies the checkout, runs its tests in the sandbox with
 * no network, applies the patch with `git apply` to a fresh copy, runs them again, and — when
 * the patch adds tests next to a fix — runs the test changes alone on the old code to check
 * that the new tests show the bug.
 */
export async function validatePatch(opts: ValidateOptions): Promise<ValidationReport> {
  const refusals = await checkPatchPolicy(opts.patch, checkoutBaseTree(opts.repo));
  if (refusals.length > 0) return emptyReport({ verdict: 'refused', reasons: refusals.map(describeRefusal) });
  let files: PatchFile[];
  try {
    files = splitPatch(opts.patch);
    checkPatchFiles(files);
  } catch (err) {
    if (err instanceof SandboxViolation) return emptyReport({ verdict: 'error', reasons: [`patch rejected: ${err.message}`] });
    throw err;
  }
  const touchedFiles = [...new Set(files.flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null))].sort();
  const ws = await Workspace.create();
  try {
    const patchFile = await ws.writeFile('change.patch', opts.patch);
    const beforeTree = await ws.copy(opts.repo, 'before');
    const afterTree = await ws.copy(opts.repo, 'after');
    for (const p of touchedFiles) await checkNoSymlinkOnPath(afterTree, p);
    const applyError = await gitApply(afterTree, patchFile);
    if (applyError !== null) return emptyReport({ verdict: 'error', reasons: [`the patch does not apply: ${applyError}`], touchedFiles });

    const hasTests = files.some((f) => [f.oldPath, f.newPath].some((p) => p !== null && isTestPath(p)));
    const hasCode = files.some((f) => [f.oldPath, f.newPath].some((p) => p !== null && !isTestPath(p)));
    let testsTree: string | null = null;
    if (hasTests && hasCode) {
      testsTree = await ws.copy(opts.repo, 'tests-only');
      const onlyTests = await ws.writeFile('tests-only.patch', testOnlyPatch(files));
      const err = await gitApply(testsTree, onlyTests);
      if (err !== null) {
        log.warn({ err }, 'test changes do not apply on their own; skipping the reproduction check');
        testsTree = null;
      }
    }

    const testCommand = opts.testCommand ?? (await detectRepoModel(beforeTree)).commands.test?.argv;
    if (!testCommand) return emptyReport({ verdict: 'error', reasons: ['no test command was found for this repository; pass one'], applied: true, touchedFiles });

    const run = async (tree: string): Promise<SuiteRun> => {
      await opts.sandbox.prepareWorktree(tree);
      const r = await opts.sandbox.run({
        cwd: tree, argv: testCommand, network: false,
        timeoutMs: opts.timeoutMs ?? 600_000, memoryMb: opts.memoryMb ?? 4096, cpuSeconds: opts.cpuSeconds ?? 1200,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return toSuiteRun(r);
    };

    const before = await run(beforeTree);
    const stop = (s: SuiteRun): boolean => s.timedOut || s.cancelled;
    const after = stop(before) ? null : await run(afterTree);
    const testsOnly = testsTree && after && !stop(after) ? await run(testsTree) : null;
    const cmp = after ? compareResults(before.results, after.results) : { fixed: [], broken: [], newTests: [], stillFailing: [] };
    const { verdict, reasons } = decideVerdict({ applied: true, before, after, testsOnly, cmp });
    const blocked = [...before.violations, ...(after?.violations ?? [])].filter((v) => v.kind === 'network' || v.kind === 'filesystem');
    if (blocked.length > 0) reasons.push(`the sandbox blocked ${blocked.length} attempt(s) to reach the network or write outside the worktree`);
    return ValidationReport.parse({ verdict, reasons, applied: true, testCommand, before, after, testsOnly, ...cmp, touchedFiles });
  } catch (err) {
    if (err instanceof SandboxViolation) return emptyReport({ verdict: 'error', reasons: [`patch rejected: ${err.message}`], touchedFiles });
    throw err;
  } finally {
    await ws.dispose();
  }
}
