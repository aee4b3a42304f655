import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseTestOutput } from '../../../src/fix/validate/parse-results.js';

describe('parseTestOutput', () => {
  test('pytest -rA summary lines', () => {
    const out = [
      '..F',
      '=========================== short test summary info ============================',
      'PASSED tests/test_a.py::test_one',
      'PASSED tests/test_a.py::TestK::test_two[param-1]',
      'FAILED tests/test_a.py::test_three - AssertionError: assert 1 == 2',
      'ERROR tests/test_b.py::test_setup - RuntimeError',
      'SKIPPED [1] tests/test_c.py:3: no reason',
      '1 failed, 2 passed, 1 error in 0.03s',
    ].join('\n');
    const { results, parsed } = parseTestOutput(out);
    assert.equal(parsed, true);
    assert.deepEqual(results.passed, ['tests/test_a.py::TestK::test_two[param-1]', 'tests/test_a.py::test_one']);
    assert.deepEqual(results.failed, ['tests/test_a.py::test_three', 'tests/test_b.py::test_setup']);
  });

  test('unittest -v lines', () => {
    const out = 'test_add (tests.test_calc.CalcTest.test_add) ... FAIL\ntest_sub (tests.test_calc.CalcTest.test_sub) ... ok\ntest_old (pkg.T) ... ERROR\ntest_skip (pkg.T.test_skip) ... skipped \'later\'\n';
    const { results } = parseTestOutput(out);
    assert.deepEqual(results.failed, ['pkg.T.test_old', 'tests.test_calc.CalcTest.test_add']);
    assert.deepEqual(results.passed, ['tests.test_calc.CalcTest.test_sub']);
    assert.deepEqual(results.skipped, ['pkg.T.test_skip']);
  });

  test('node TAP with suites: leaves only, named by their path', () => {
    const out = [
      'TAP version 13',
      '# Subtest: math',
      '    # Subtest: adds',
      '    ok 1 - adds',
      '      ---',
      '      duration_ms: 3.7',
      '      ...',
      '    # Subtest: subs',
      '    not ok 2 - subs',
      '      ---',
      '      error: \'0 == 1\'',
      '      ...',
      '    1..2',
      'not ok 1 - math',
      '# Subtest: top',
      'ok 2 - top',
      '# Subtest: skipme',
      'ok 3 - skipme # SKIP',
      '1..3',
    ].join('\n');
    const { results } = parseTestOutput(out);
    assert.deepEqual(results.passed, ['math > adds', 'top']);
    assert.deepEqual(results.failed, ['math > subs']);
    assert.deepEqual(results.skipped, ['skipme']);
  });

  test('go test -json events, ignoring junk and package-level events', () => {
    const out = [
      '{"Action":"run","Package":"ex.com/m","Test":"TestA"}',
      '{"Action":"pass","Package":"ex.com/m","Test":"TestA","Elapsed":0}',
      '{"Action":"fail","Package":"ex.com/m","Test":"TestB","Elapsed":0}',
      '{"Action":"fail","Package":"ex.com/m","Elapsed":0}',
      '{"Action": 3}',
      '{not json',
    ].join('\n');
    const { results } = parseTestOutput(out);
    assert.deepEqual(results.passed, ['ex.com/m.TestA']);
    assert.deepEqual(results.failed, ['ex.com/m.TestB']);
  });

  test('cargo test lines', () => {
    const { results } = parseTestOutput('test tests::it_works ... ok\ntest tests::it_breaks ... FAILED\ntest tests::slow ... ignored\n');
    assert.deepEqual(results, { passed: ['tests::it_works'], failed: ['tests::it_breaks'], skipped: ['tests::slow'] });
  });

  test('a failure of the same name wins over a pass', () => {
    const { results } = parseTestOutput('PASSED t.py::a\nFAILED t.py::a - boom\nPASSED t.py::a\n');
    assert.deepEqual(results, { passed: [], failed: ['t.py::a'], skipped: [] });
  });

  test('output with no test lines is not parsed', () => {
    for (const out of ['', 'make: *** [test] Error 1', 'ok', 'PASSED nothing-here', 'random text\nok but not TAP']) {
      const r = parseTestOutput(out);
      assert.equal(r.parsed, false, out);
      assert.deepEqual(r.results, { passed: [], failed: [], skipped: [] });
    }
  });
});
