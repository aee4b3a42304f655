import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseJUnit } from '../../../../src/fix/validate/reports/junit.js';
import { readReports } from '../../../../src/fix/validate/reports/read.js';

const PYTEST_XUNIT1 = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4">
<testcase classname="tests.test_calc" name="test_add" file="tests/test_calc.py" line="3"><failure message="assert -1 == 5">boom</failure></testcase>
<testcase classname="tests.test_calc.TestSub" name="test_sub[1-2]" file="tests/test_calc.py" line="9"/>
<testcase classname="tests.test_calc" name="test_skip" file="tests/test_calc.py" line="12"><skipped message="later"/></testcase>
<testcase classname="tests.test_calc" name="test_err" file="tests/test_calc.py" line="14"><error message="fixture"/></testcase>
</testsuite></testsuites>`;

const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?><testsuite name="com.acme.CalcTest" tests="2" failures="1">
<testcase name="adds" classname="com.acme.CalcTest" time="0.01"><failure type="AssertionError">expected 5</failure></testcase>
<testcase name="subtracts" classname="com.acme.CalcTest" time="0.01"/></testsuite>`;

describe('JUnit reports', () => {
  test('pytest cases become node ids, the same ids pytest -rA prints', () => {
    assert.deepEqual(parseJUnit(PYTEST_XUNIT1), [
      { name: 'tests/test_calc.py::test_add', outcome: 'failed' },
      { name: 'tests/test_calc.py::TestSub::test_sub[1-2]', outcome: 'passed' },
      { name: 'tests/test_calc.py::test_skip', outcome: 'skipped' },
      { name: 'tests/test_calc.py::test_err', outcome: 'failed' },
    ]);
  });
  test('Surefire cases are class.method; a single suite without <testsuites> works', () => {
    assert.deepEqual(parseJUnit(SUREFIRE), [{ name: 'com.acme.CalcTest.adds', outcome: 'failed' }, { name: 'com.acme.CalcTest.subtracts', outcome: 'passed' }]);
  });
  test('malformed or foreign XML gives no cases rather than a crash', () => {
    assert.deepEqual(parseJUnit('<html><body>no</body></html>'), []);
    assert.deepEqual(parseJUnit('<testsuite><testcase/></testsuite>'), []);
  });
});

describe('readReports', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  test('hook lines, result-folder XML and build-tool reports in the tree are merged; a failure wins', async () => {
    const results = await mkdtemp(path.join(tmpdir(), 'results-'));
    const tree = await mkdtemp(path.join(tmpdir(), 'tree-'));
    dirs.push(results, tree);
    await writeFile(path.join(results, 'mocha-1.jsonl'), [
      JSON.stringify({ name: 'suite a passes', outcome: 'passed' }),
      JSON.stringify({ name: 'suite b flips', outcome: 'passed' }),
      '{"name": "cut short',
      JSON.stringify({ name: 'x'.repeat(3000), outcome: 'passed' }),
      JSON.stringify({ name: 'bad outcome', outcome: 'maybe' }),
    ].join('\n'));
    await writeFile(path.join(results, 'mocha-2.jsonl'), `${JSON.stringify({ name: 'suite b flips', outcome: 'failed' })}\n`);
    await writeFile(path.join(results, 'pytest.xml'), PYTEST_XUNIT1);
    await mkdir(path.join(tree, 'target', 'surefire-reports'), { recursive: true });
    await writeFile(path.join(tree, 'target', 'surefire-reports', 'TEST-com.acme.CalcTest.xml'), SUREFIRE);
    const set = await readReports(results, tree);
    const r = set.results();
    assert.ok(r.passed.includes('suite a passes'));
    assert.ok(r.failed.includes('suite b flips'), 'a failure in any process wins');
    assert.ok(r.failed.includes('com.acme.CalcTest.adds'));
    assert.ok(r.failed.includes('tests/test_calc.py::test_add'));
    assert.equal(set.size, 2 + 4 + 2, 'unreadable and oversized lines are skipped');
  });

  test('an empty results folder means no report', async () => {
    const results = await mkdtemp(path.join(tmpdir(), 'results-'));
    dirs.push(results);
    assert.equal((await readReports(results, results)).size, 0);
  });
});
