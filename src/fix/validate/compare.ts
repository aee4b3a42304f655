import type { SuiteRun, TestResults, Verdict } from './schema.js';

export interface Comparison {
  fixed: string[];
  broken: string[];
  newTests: string[];
  stillFailing: string[];
}

export function compareResults(before: TestResults, after: TestResults): Comparison {
  const bPass = new Set(before.passed);
  const bFail = new Set(before.failed);
  const bAll = new Set([...before.passed, ...before.failed, ...before.skipped]);
  return {
    fixed: after.passed.filter((t) => bFail.has(t)),
    broken: after.failed.filter((t) => bPass.has(t)),
    newTests: [...after.passed, ...after.failed, ...after.skipped].filter((t) => !bAll.has(t)).sort(),
    stillFailing: after.failed.filter((t) => bFail.has(t)),
  };
}

/** Exit codes that mean the command itself could not run (not found / not executable). */
function couldNotRun(run: SuiteRun): boolean {
  return run.exitCode === 126 || run.exitCode === 127 || (run.exitCode === null && !run.timedOut && !run.cancelled);
}

/**
 * The verdict, from the runs alone:
 * - error: the patch did not apply, a run timed out or was cancelled, or the suite could not start;
 * - fail: a test that passed before fails after, a new test fails after, a new test passes on the
 *   old code (it does not reproduce the bug), or the suite fails after with nothing fixed;
 * - pass: otherwise — nothing broken, and at least one test fixed or the suite green after.
 */
export function decideVerdict(input: {
  applied: boolean;
  before: SuiteRun | null;
  after: SuiteRun | null;
  testsOnly: SuiteRun | null;
  cmp: Comparison;
}): { verdict: Verdict; reasons: string[] } {
  const { applied, before, after, testsOnly, cmp } = input;
  if (!applied) return { verdict: 'error', reasons: ['the patch does not apply'] };
  const runs: Array<[string, SuiteRun | null]> = [['before', before], ['after', after], ['tests-only', testsOnly]];
  const errors: string[] = [];
  for (const [label, r] of runs) {
    if (!r) continue;
    if (r.timedOut) errors.push(`the ${label} run timed out and was killed`);
    else if (r.cancelled) errors.push(`the ${label} run was cancelled`);
    else if (couldNotRun(r)) errors.push(`the ${label} run could not start the test command (exit ${String(r.exitCode)})`);
  }
  if (!before || !after) errors.push('a test run is missing');
  if (errors.length > 0 || !before || !after) return { verdict: 'error', reasons: errors };

  const reasons: string[] = [];
  if (cmp.broken.length > 0) reasons.push(`${cmp.broken.length} test(s) passed before and fail after: ${cmp.broken.join(', ')}`);
  const newFailing = cmp.newTests.filter((t) => after.results.failed.includes(t));
  if (newFailing.length > 0) reasons.push(`new test(s) fail after the patch: ${newFailing.join(', ')}`);
  if (testsOnly) {
    const notReproducing = cmp.newTests.filter((t) => after.results.passed.includes(t) && testsOnly.results.passed.includes(t));
    if (notReproducing.length > 0) reasons.push(`new test(s) already pass without the fix, so they do not show the bug: ${notReproducing.join(', ')}`);
  }
  const green = after.exitCode === 0;
  if (!green && cmp.fixed.length === 0) reasons.push(`the suite fails after the patch (exit ${String(after.exitCode)}) and no test was fixed`);
  if (!green && !after.parsed) reasons.push('the suite fails after the patch and its per-test results could not be read');
  if (reasons.length > 0) return { verdict: 'fail', reasons };
  return {
    verdict: 'pass',
    reasons: [green ? 'the suite passes after the patch' : 'tests fixed; remaining failures were failing before', ...(cmp.fixed.length > 0 ? [`fixed: ${cmp.fixed.join(', ')}`] : [])],
  };
}
