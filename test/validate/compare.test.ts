import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, decideVerdict } from '../../src/fix/validate/compare.js';
import type { SuiteRun, TestResults } from '../../src/fix/validate/schema.js';

const res = (passed: string[], failed: string[]): TestResults => ({ passed, failed, skipped: [] });
const run = (results: TestResults, exitCode: number | null, extra: Partial<SuiteRun> = {}): SuiteRun => ({
  exitCode, timedOut: false, cancelled: false, durationMs: 1, results, parsed: results.passed.length + results.failed.length > 0, violations: [], outputTail: '', ...extra,
});

describe('compareResults', () => {
  test('fixed, broken, new and still failing', () => {
    const c = compareResults(res(['a', 'b'], ['c', 'd']), res(['a', 'c', 'n1'], ['b', 'd', 'n2']));
    assert.deepEqual(c, { fixed: ['c'], broken: ['b'], newTests: ['n1', 'n2'], stillFailing: ['d'] });
  });
});

describe('decideVerdict', () => {
  const none = { fixed: [], broken: [], newTests: [], stillFailing: [] };
  test('not applied is an error', () => {
    assert.equal(decideVerdict({ applied: false, before: null, after: null, testsOnly: null, cmp: none }).verdict, 'error');
  });
  test('timeouts, cancellation and a missing command are errors', () => {
    const ok = run(res(['a'], []), 0);
    for (const bad of [run(res([], []), null, { timedOut: true }), run(res([], []), null, { cancelled: true }), run(res([], []), 127)]) {
      assert.equal(decideVerdict({ applied: true, before: bad, after: ok, testsOnly: null, cmp: none }).verdict, 'error');
      assert.equal(decideVerdict({ applied: true, before: ok, after: bad, testsOnly: null, cmp: none }).verdict, 'error');
    }
  });
  test('fixed with nothing broken passes; green suite passes', () => {
    const before = run(res(['a'], ['b']), 1);
    const after = run(res(['a', 'b'], []), 0);
    assert.equal(decideVerdict({ applied: true, before, after, testsOnly: null, cmp: compareResults(before.results, after.results) }).verdict, 'pass');
  });
  test('pre-existing failures left alone do not fail a patch that fixes something', () => {
    const before = run(res(['a'], ['b', 'c']), 1);
    const after = run(res(['a', 'b'], ['c']), 1);
    const v = decideVerdict({ applied: true, before, after, testsOnly: null, cmp: compareResults(before.results, after.results) });
    assert.equal(v.verdict, 'pass');
  });
  test('broken tests, failing new tests, a red suite with nothing fixed, or non-reproducing new tests fail', () => {
    const cases: Array<[SuiteRun, SuiteRun, SuiteRun | null]> = [
      [run(res(['a', 'b'], []), 0), run(res(['a'], ['b']), 1), null],
      [run(res(['a'], []), 0), run(res(['a'], ['n']), 1), null],
      [run(res(['a'], ['c']), 1), run(res(['a'], ['c']), 1), null],
      [run(res(['a'], ['c']), 1), run(res(['a', 'c', 'n'], []), 0), run(res(['a', 'n'], ['c']), 1)],
      [run(res([], []), 1), run(res([], []), 2), null],
    ];
    for (const [before, after, testsOnly] of cases) {
      const v = decideVerdict({ applied: true, before, after, testsOnly, cmp: compareResults(before.results, after.results) });
      assert.equal(v.verdict, 'fail', JSON.stringify(v));
      assert.ok(v.reasons.length > 0);
    }
  });
  test('an unparsed suite is judged by its exit code', () => {
    const before = run(res([], []), 1);
    assert.equal(decideVerdict({ applied: true, before, after: run(res([], []), 0), testsOnly: null, cmp: none }).verdict, 'pass');
  });
});
