import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, decideVerdict, withRepeats } from '../../../src/fix/validate/compare.js';
import type { SuiteRun, TestResults } from '../../../src/fix/validate/schema.js';

const res = (passed: string[], failed: string[]): TestResults => ({ passed, failed, skipped: [] });
const run = (results: TestResults, exitCode: number | null, extra: Partial<SuiteRun> = {}): SuiteRun => {
  const parsed = results.passed.length + results.failed.length > 0;
  return { exitCode, timedOut: false, cancelled: false, durationMs: 1, results, parsed, resultSource: parsed ? 'report' : 'none', violations: [], outputTail: '', ...extra };
};
const verdictOf = (before: SuiteRun, after: SuiteRun, changesCode = true) =>
  decideVerdict({ before, after, cmp: compareResults(before.results, after.results), changesCode });

describe('compareResults', () => {
  test('fixed, broken, new and still failing', () => {
    const c = compareResults(res(['a', 'b'], ['c', 'd']), res(['a', 'c', 'n1'], ['b', 'd', 'n2']));
    assert.deepEqual(c, { fixed: ['c'], broken: ['b'], newTests: ['n1', 'n2'], stillFailing: ['d'], flaky: [] });
  });
  test('repeats: a fix whose test passes when the "before" side runs again is flaky, so is a break that passes again', () => {
    const c = compareResults(res(['a', 'b'], ['c', 'd']), res(['a', 'c', 'd'], ['b']));
    const r = withRepeats(c, { before: res(['a', 'b', 'c'], ['d']), after: res(['a', 'b', 'c', 'd'], []) });
    assert.deepEqual(r.fixed, ['d']);
    assert.deepEqual(r.broken, []);
    assert.deepEqual(r.flaky, ['b', 'c']);
  });
  test('repeats: a test that did not run before and fails after, then passes when repeated, is flaky, not a failure', () => {
    const before = run(res(['a'], ['f']), 1);
    const after = run(res(['a', 'f', 'n1'], ['n2', 'n3']), 1);
    const c = compareResults(before.results, after.results);
    const r = withRepeats(c, { after: res(['a', 'f', 'n1', 'n2'], ['n3']) }, ['n2', 'n3']);
    assert.deepEqual(r.flaky, ['n2']);
    assert.deepEqual(r.newTests, ['n1', 'n3']);
    const v = decideVerdict({ before, after, cmp: r });
    assert.equal(v.verdict, 'fail');
    assert.match(v.reasons.join(' '), /new test\(s\) fail after the patch: n3/);
    assert.match(v.reasons.join(' '), /flaky .*n2/);
    const steady = withRepeats(c, { after: res(['a', 'f', 'n1', 'n2', 'n3'], []) }, ['n2', 'n3']);
    assert.equal(decideVerdict({ before, after, cmp: steady }).verdict, 'pass');
  });
});

describe('decideVerdict', () => {
  const none = { fixed: [], broken: [], newTests: [], stillFailing: [], flaky: [] };
  test('a missing run is an error', () => {
    assert.equal(decideVerdict({ before: null, after: null, cmp: none }).verdict, 'error');
  });
  test('timeouts (named with their limit), cancellation and a missing command are errors', () => {
    const ok = run(res(['a'], []), 0);
    for (const bad of [run(res([], []), null, { timedOut: true }), run(res([], []), null, { cancelled: true }), run(res([], []), 127)]) {
      assert.equal(decideVerdict({ before: bad, after: ok, cmp: none }).verdict, 'error');
      assert.equal(decideVerdict({ before: ok, after: bad, cmp: none }).verdict, 'error');
    }
    assert.match(decideVerdict({ before: run(res([], []), null, { timedOut: true }), after: ok, cmp: none, timeoutMs: 5000 }).reasons.join(' '), /5 s/);
  });
  test('a test that failed before and passes after, nothing broken: pass', () => {
    assert.equal(verdictOf(run(res(['a'], ['b']), 1), run(res(['a', 'b'], []), 0)).verdict, 'pass');
  });
  test('pre-existing failures left alone do not fail a patch that fixes something', () => {
    assert.equal(verdictOf(run(res(['a'], ['b', 'c']), 1), run(res(['a', 'b'], ['c']), 1)).verdict, 'pass');
  });
  test('a green suite with no failing-before test is unproven, not pass', () => {
    const v = verdictOf(run(res(['a', 'b'], []), 0), run(res(['a', 'b'], []), 0));
    assert.equal(v.verdict, 'unproven');
  });
  test('a new test passing beside a code change is proof; beside no code change it is not', () => {
    assert.equal(verdictOf(run(res(['a'], []), 0), run(res(['a', 'n'], []), 0)).verdict, 'pass');
    assert.equal(verdictOf(run(res(['a'], []), 0), run(res(['a', 'n'], []), 0), false).verdict, 'unproven');
  });
  test('broken tests or failing new tests fail', () => {
    const cases: Array<[SuiteRun, SuiteRun]> = [
      [run(res(['a', 'b'], []), 0), run(res(['a'], ['b']), 1)],
      [run(res(['a'], []), 0), run(res(['a'], ['n']), 1)],
      [run(res(['a'], ['c']), 1), run(res(['c'], ['a']), 1)],
    ];
    for (const [before, after] of cases) {
      const v = verdictOf(before, after);
      assert.equal(v.verdict, 'fail', JSON.stringify(v));
      assert.ok(v.reasons.length > 0);
    }
  });
  test('an unreadable report falls back to exit codes and says so', () => {
    const v = decideVerdict({ before: run(res([], []), 1), after: run(res([], []), 0), cmp: none });
    assert.equal(v.verdict, 'pass');
    assert.match(v.reasons.join(' '), /exit codes alone/);
    assert.equal(decideVerdict({ before: run(res([], []), 0), after: run(res([], []), 1), cmp: none }).verdict, 'fail');
    assert.equal(decideVerdict({ before: run(res([], []), 0), after: run(res([], []), 0), cmp: none }).verdict, 'unproven');
  });
  test('flaky tests are named in the reasons', () => {
    const v = decideVerdict({ before: run(res(['a'], ['b']), 1), after: run(res(['a', 'b'], []), 0), cmp: { ...none, fixed: ['b'], flaky: ['c'] } });
    assert.match(v.reasons.join(' '), /flaky.*c/);
  });
});
