import type { SuiteRun, TestResults, Verdict } from './schema.js';

export interface Comparison {
  fixed: string[];
  broken: string[];
  newTests: string[];
  stillFailing: string[];
  flaky: string[];
}

/** Compares two runs by test id: ids are stable across runs (full titles, node ids, package.Test). */
export function compareResults(before: TestResults, after: TestResults): Comparison {
  const bPass = new Set(before.passed);
  const bFail = new Set(before.failed);
  const bAll = new Set([...before.passed, ...before.failed, ...before.skipped]);
  return {
    fixed: after.passed.filter((t) => bFail.has(t)),
    broken: after.failed.filter((t) => bPass.has(t)),
    newTests: [...after.passed, ...after.failed, ...after.skipped].filter((t) => !bAll.has(t)).sort(),
    stillFailing: after.failed.filter((t) => bFail.has(t)),
    flaky: [],
  };
}

/** Tests that did not run before and fail after: the patch's own tests, or ones an earlier failure kept from running. */
export function newFailing(cmp: Comparison, after: TestResults): string[] {
  const failed = new Set(after.failed);
  return cmp.newTests.filter((t) => failed.has(t));
}

/**
 * Takes repeated runs into account: a decisive test (fixed, broken, or new and failing after)
 * whose outcome differs in the repeat of the same tree is flaky — named, and counted neither as
 * fixed nor as broken nor as new.
 */
export function withRepeats(cmp: Comparison, repeats: { before?: TestResults | null; after?: TestResults | null }, failedAfter: readonly string[] = []): Comparison {
  const flaky = new Set<string>();
  if (repeats.before) {
    const failedAgain = new Set(repeats.before.failed);
    for (const t of cmp.fixed) if (!failedAgain.has(t) && repeats.before.passed.includes(t)) flaky.add(t);
  }
  if (repeats.after) {
    const failedAgain = new Set(repeats.after.failed);
    const passedAgain = new Set(repeats.after.passed);
    for (const t of cmp.broken) if (!failedAgain.has(t)) flaky.add(t);
    for (const t of cmp.newTests) if (failedAfter.includes(t) && passedAgain.has(t)) flaky.add(t);
  }
  return {
    ...cmp,
    fixed: cmp.fixed.filter((t) => !flaky.has(t)),
    broken: cmp.broken.filter((t) => !flaky.has(t)),
    newTests: cmp.newTests.filter((t) => !flaky.has(t)),
    flaky: [...flaky].sort(),
  };
}

/** Exit codes that mean the command itself could not run (not found / not executable). */
function couldNotRun(run: SuiteRun): boolean {
  return run.exitCode === 126 || run.exitCode === 127 || (run.exitCode === null && !run.timedOut && !run.cancelled);
}

function runErrors(runs: Array<[string, SuiteRun | null]>, timeoutMs: number | undefined): string[] {
  const errors: string[] = [];
  for (const [label, r] of runs) {
    if (!r) continue;
    const disk = r.violations.find((v) => v.kind === 'disk-limit');
    if (disk) errors.push(`the ${label} run was stopped: ${disk.evidence}`);
    else if (r.timedOut) errors.push(`the ${label} run timed out after ${timeoutMs !== undefined ? `${timeoutMs / 1000} s (its limit)` : 'its limit'} and was killed`);
    else if (r.cancelled) errors.push(`the ${label} run was cancelled`);
    else if (couldNotRun(r)) errors.push(`the ${label} run could not start the test command (exit ${String(r.exitCode)})`);
  }
  return errors;
}

/**
 * The verdict, in the practice of Agentless and the SWE-bench harness:
 * - error: a run timed out, was cancelled or could not start;
 * - fail: a test that passed before fails after, or a test the patch adds fails after;
 * - pass: at least one test that failed or did not exist before passes after, nothing broken;
 * - unproven: nothing broken, but no test shows the fix.
 * When the runner's per-test results cannot be read, the exit codes decide, and the reasons say so.
 */
export function decideVerdict(input: { before: SuiteRun | null; after: SuiteRun | null; cmp: Comparison; timeoutMs?: number; changesCode?: boolean }): { verdict: Verdict; reasons: string[] } {
  const { before, after, cmp } = input;
  const changesCode = input.changesCode ?? true;
  const errors = runErrors([['before', before], ['after', after]], input.timeoutMs);
  if (!before || !after) errors.push('a test run is missing');
  if (errors.length > 0 || !before || !after) return { verdict: 'error', reasons: errors };

  const notes = cmp.flaky.length > 0 ? [`flaky (outcome changed when repeated, not counted): ${cmp.flaky.join(', ')}`] : [];
  if (!after.parsed || !before.parsed) {
    const basis = 'per-test results could not be read; judged by exit codes alone';
    if (after.exitCode !== 0) return { verdict: 'fail', reasons: [`the suite fails after the patch (exit ${String(after.exitCode)})`, basis, ...notes] };
    if (before.exitCode !== 0) return { verdict: 'pass', reasons: [`the suite failed before (exit ${String(before.exitCode)}) and passes after`, basis, ...notes] };
    return { verdict: 'unproven', reasons: ['the suite passes before and after: no test shows the fix', basis, ...notes] };
  }

  const reasons: string[] = [];
  if (cmp.broken.length > 0) reasons.push(`${cmp.broken.length} test(s) passed before and fail after: ${cmp.broken.join(', ')}`);
  const failingNew = newFailing(cmp, after.results);
  if (failingNew.length > 0) reasons.push(`new test(s) fail after the patch: ${failingNew.join(', ')}`);
  if (reasons.length > 0) return { verdict: 'fail', reasons: [...reasons, ...notes] };

  // A test that did not run before counts only beside a code change: adding a passing test fixes nothing.
  const newPassing = changesCode ? cmp.newTests.filter((t) => after.results.passed.includes(t)) : [];
  const proof = [...cmp.fixed, ...newPassing];
  if (proof.length === 0) {
    return { verdict: 'unproven', reasons: ['nothing broken, but no test failed before and passes after: the fix is not shown by a test', ...notes] };
  }
  return {
    verdict: 'pass',
    reasons: [
      ...(cmp.fixed.length > 0 ? [`fixed (failed before, pass after): ${cmp.fixed.join(', ')}`] : []),
      ...(newPassing.length > 0 ? [`new test(s) that did not run before pass after: ${newPassing.join(', ')}`] : []),
      ...(cmp.stillFailing.length > 0 ? [`${cmp.stillFailing.length} test(s) failed before and still fail (not caused by the patch)`] : []),
      ...notes,
    ],
  };
}
