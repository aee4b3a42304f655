import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { validatePatch } from '../../../src/fix/validate/validate.js';
import { BubblewrapSandbox } from '../../../src/sandbox/bubblewrap.js';
import { pidsWithArg, uniqueSeconds } from '../../helpers/sandbox.js';
import { diffFor, git, makeRepo, PY_BUGGY, PY_TEST_CMD } from '../../helpers/temp-repo.js';

const sandbox = new BubblewrapSandbox();
const repos: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const r = await makeRepo(files);
  repos.push(r);
  return r;
}
const base = { sandbox, testCommand: PY_TEST_CMD, timeoutMs: 60_000, memoryMb: 1024, cpuSeconds: 60 };
const FIXED_CALC = PY_BUGGY['calc.py']!.replace('return a - b\n\n\ndef sub', 'return a + b\n\n\ndef sub');
const ADD_ID = 'tests.test_calc.CalcTest.test_add';
const SUB_ID = 'tests.test_calc.CalcTest.test_sub';

describe('validatePatch', () => {
  after(async () => {
    for (const r of repos) await rm(r, { recursive: true, force: true });
  });

  test('a patch that fixes the failing test passes and lists it as fixed; the checkout is untouched', async () => {
    const r = await repo(PY_BUGGY);
    const patch = await diffFor(r, { 'calc.py': FIXED_CALC });
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.equal(report.verdict, 'pass', report.reasons.join('; '));
    assert.deepEqual(report.fixed, [ADD_ID]);
    assert.deepEqual(report.broken, []);
    assert.deepEqual(report.before?.results.failed, [ADD_ID]);
    assert.deepEqual(report.after?.results.passed, [ADD_ID, SUB_ID]);
    assert.equal(await readFile(path.join(r, 'calc.py'), 'utf8'), PY_BUGGY['calc.py']);
    assert.equal(git(r, ['status', '--porcelain']), '');
  });

  test('a patch that breaks a passing test fails and lists it as broken', async () => {
    const r = await repo(PY_BUGGY);
    const patch = await diffFor(r, { 'calc.py': PY_BUGGY['calc.py']!.replace('def sub(a, b):\n    return a - b', 'def sub(a, b):\n    return b - a') });
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.equal(report.verdict, 'fail');
    assert.deepEqual(report.broken, [SUB_ID]);
    assert.deepEqual(report.fixed, []);
  });

  test('a patch that does not apply is an error', async () => {
    const r = await repo(PY_BUGGY);
    const patch = (await diffFor(r, { 'calc.py': FIXED_CALC })).replace('-    return a - b', '-    return a * b');
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.equal(report.verdict, 'error');
    assert.equal(report.applied, false);
    assert.match(report.reasons.join(' '), /does not apply/);
    assert.equal(report.before, null);
  });

  test('patches reaching outside the tree, into .git or through symlinks are refused by the policy', async () => {
    const r = await repo({ ...PY_BUGGY, 'link/.keep': '' });
    const good = await diffFor(r, { 'calc.py': FIXED_CALC });
    const bad = [
      good.replaceAll('calc.py', '../outside.py'),
      good.replaceAll('calc.py', '.git/hooks/pre-commit'),
      good.replaceAll('a/calc.py', '/etc/passwd'),
      'diff --git a/l b/l\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n',
      'not a patch at all\n',
    ];
    await symlink('/etc', path.join(r, 'evil'));
    git(r, ['add', 'evil']);
    git(r, ['commit', '-q', '-m', 'link']);
    bad.push('diff --git a/evil/hosts b/evil/hosts\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/evil/hosts\n@@ -0,0 +1 @@\n+owned\n');
    for (const patch of bad) {
      const report = await validatePatch({ ...base, repo: r, patch });
      assert.equal(report.verdict, 'refused', patch.slice(0, 80));
      assert.match(report.reasons.join(' '), /refused by rule "(path-form|symlink|patch-form)"/);
      assert.equal(report.applied, false);
      assert.equal(report.before, null);
    }
  });

  test('a new test that already passes without the fix shows nothing: unproven, never pass', async () => {
    const r = await repo(PY_BUGGY);
    const newTest = PY_BUGGY['tests/test_calc.py']! + '\n    def test_sub_zero(self):\n        self.assertEqual(sub(3, 3), 0)\n';
    const refactored = PY_BUGGY['calc.py']!.replace('def sub(a, b):\n    return a - b', 'def sub(a, b):\n    return -(b - a)');
    const patch = await diffFor(r, { 'calc.py': refactored, 'tests/test_calc.py': newTest });
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.equal(report.verdict, 'unproven', report.reasons.join('; '));
    assert.deepEqual(report.fixed, []);
    assert.ok(report.before?.results.passed.includes('tests.test_calc.CalcTest.test_sub_zero'), 'the new test runs on the "before" side too');
    assert.match(report.reasons.join(' '), /not shown by a test/);
  });

  test('a tests-only patch whose new test passes is unproven: adding a passing test fixes nothing', async () => {
    const r = await repo(PY_BUGGY);
    const newTest = PY_BUGGY['tests/test_calc.py']! + '\n    def test_sub_zero(self):\n        self.assertEqual(sub(3, 3), 0)\n';
    const report = await validatePatch({ ...base, repo: r, patch: await diffFor(r, { 'tests/test_calc.py': newTest }) });
    assert.equal(report.verdict, 'unproven', report.reasons.join('; '));
    assert.deepEqual(report.newTests, ['tests.test_calc.CalcTest.test_sub_zero']);
  });

  test('a new test that fails on the old code and passes with the fix: pass, with the new test among the fixed', async () => {
    const r = await repo(PY_BUGGY);
    const newTest = PY_BUGGY['tests/test_calc.py']! + '\n    def test_add_negative(self):\n        self.assertEqual(add(-1, -1), -2)\n';
    const patch = await diffFor(r, { 'calc.py': FIXED_CALC, 'tests/test_calc.py': newTest });
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.equal(report.verdict, 'pass', report.reasons.join('; '));
    assert.deepEqual(report.fixed.sort(), [ADD_ID, 'tests.test_calc.CalcTest.test_add_negative'].sort());
    assert.deepEqual(report.before?.results.failed.sort(), [ADD_ID, 'tests.test_calc.CalcTest.test_add_negative'].sort());
  });

  test('with a separate test patch (the SWE-bench layout) the fix is judged by those tests', async () => {
    const r = await repo(PY_BUGGY);
    const newTest = PY_BUGGY['tests/test_calc.py']! + '\n    def test_add_negative(self):\n        self.assertEqual(add(-1, -1), -2)\n';
    const testPatch = await diffFor(r, { 'tests/test_calc.py': newTest });
    const testsAlone = await validatePatch({ ...base, repo: r, patch: testPatch });
    assert.equal(testsAlone.verdict, 'fail', 'the new test fails without the fix');
    assert.ok(testsAlone.after?.results.failed.includes('tests.test_calc.CalcTest.test_add_negative'));
    const both = await validatePatch({ ...base, repo: r, patch: await diffFor(r, { 'calc.py': FIXED_CALC }), testPatch });
    assert.equal(both.verdict, 'pass', both.reasons.join('; '));
    assert.ok(both.fixed.includes('tests.test_calc.CalcTest.test_add_negative'));
    const bad = await validatePatch({ ...base, repo: r, patch: await diffFor(r, { 'calc.py': FIXED_CALC }), testPatch: 'not a diff\n' });
    assert.equal(bad.verdict, 'refused', 'a test patch that is not a diff is refused by the policy before anything runs');
  });

  test('a decisive test whose outcome changes when repeated is named flaky and not counted', async () => {
    const r = await repo({
      ...PY_BUGGY,
      // Fails on the old code only the first time it runs in a tree (a marker file persists there):
      // it looks fixed by the patch, and repeating the "before" run shows it is not.
      'tests/test_flaky.py': 'import os, unittest\nfrom calc import add\n\n\nclass Flaky(unittest.TestCase):\n    def test_once(self):\n        seen = os.path.exists("flaky.marker")\n        open("flaky.marker", "w").close()\n        self.assertTrue(seen or add(2, 3) == 5)\n',
    });
    const patch = await diffFor(r, { 'calc.py': FIXED_CALC });
    const report = await validatePatch({ ...base, repo: r, patch });
    assert.deepEqual(report.flaky, ['tests.test_flaky.Flaky.test_once']);
    assert.deepEqual(report.fixed, [ADD_ID]);
    assert.equal(report.verdict, 'pass');
    assert.match(report.reasons.join(' '), /flaky/);
  });

  test('a repository with no detectable test command is an error, never a pass', async () => {
    const r = await repo({ 'README.md': 'nothing to run\n', 'lib.txt': 'a\n' });
    const { testCommand: _none, ...detected } = base;
    const report = await validatePatch({ ...detected, repo: r, patch: await diffFor(r, { 'lib.txt': 'b\n' }) });
    assert.equal(report.verdict, 'error');
    assert.match(report.reasons.join(' '), /no test command found/);
  });

  test('a hanging suite is killed at its limit: error with timedOut and no leftover process', async () => {
    const marker = uniqueSeconds();
    const hanging = {
      ...PY_BUGGY,
      'tests/test_hang.py': `import subprocess, time, unittest\n\n\nclass Hang(unittest.TestCase):\n    def test_hang(self):\n        subprocess.Popen(["sleep", "${marker}"])\n        time.sleep(${marker})\n`,
    };
    const r = await repo(hanging);
    const patch = await diffFor(r, { 'calc.py': FIXED_CALC });
    const report = await validatePatch({ ...base, repo: r, patch, timeoutMs: 2000 });
    assert.equal(report.verdict, 'error');
    assert.equal(report.before?.timedOut, true);
    assert.match(report.reasons.join(' '), /timed out/);
    assert.deepEqual(await pidsWithArg(marker), []);
  });

  test('tests that reach for the network or secrets are blocked and reported', async () => {
    process.env['GITHUB_TOKEN'] = 'ghp_leak_check';
    try {
      const probing = {
        ...PY_BUGGY,
        'tests/test_reach.py': [
          'import os, socket, unittest',
          '',
          '',
          'class Reach(unittest.TestCase):',
          '    def test_token(self):',
          '        self.assertEqual(os.environ.get("GITHUB_TOKEN"), "ghp_leak_check")',
          '',
          '    def test_network(self):',
          '        socket.getaddrinfo("pypi.org", 443)',
          '',
        ].join('\n'),
      };
      const r = await repo(probing);
      const patch = await diffFor(r, { 'calc.py': FIXED_CALC });
      const report = await validatePatch({ ...base, repo: r, patch });
      assert.ok(report.before?.results.failed.includes('tests.test_reach.Reach.test_token'));
      assert.ok(report.before?.results.failed.includes('tests.test_reach.Reach.test_network'));
      assert.ok(report.before?.violations.some((v) => v.kind === 'network'));
      assert.match(report.reasons.join(' '), /blocked/);
      // The fix still counts: the probing tests fail both before and after.
      assert.deepEqual(report.fixed, [ADD_ID]);
      assert.deepEqual(report.stillFailing.sort(), ['tests.test_reach.Reach.test_network', 'tests.test_reach.Reach.test_token']);
    } finally {
      delete process.env['GITHUB_TOKEN'];
    }
  });

  test('a node project is detected (npm test → node --test) and judged', async () => {
    const r = await repo({
      'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', scripts: { test: 'node --test' } }),
      'lib.js': 'exports.double = (x) => x + 2;\n',
      'test/lib.test.js': "const { test } = require('node:test');\nconst assert = require('node:assert');\nconst { double } = require('../lib.js');\ntest('doubles', () => assert.equal(double(3), 6));\ntest('zero', () => assert.equal(double(0), 0));\n",
    });
    const patch = await diffFor(r, { 'lib.js': 'exports.double = (x) => x * 2;\n' });
    const { testCommand: _ignored, ...detected } = base;
    const report = await validatePatch({ ...detected, repo: r, patch });
    assert.deepEqual(report.testCommand, ['npm', 'test']);
    assert.equal(report.verdict, 'pass', report.reasons.join('; ') + (report.after?.outputTail ?? ''));
    assert.deepEqual(report.fixed.sort(), ['doubles', 'zero']);
  });

  test('cancellation through the signal ends validation as an error', async () => {
    const marker = uniqueSeconds();
    const r = await repo({ ...PY_BUGGY, 'tests/test_slow.py': `import time, unittest\n\n\nclass Slow(unittest.TestCase):\n    def test_slow(self):\n        time.sleep(${marker})\n` });
    const patch = await diffFor(r, { 'calc.py': FIXED_CALC });
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 1000);
    const report = await validatePatch({ ...base, repo: r, patch, signal: ac.signal });
    clearTimeout(timer);
    assert.equal(report.verdict, 'error');
    assert.equal(report.before?.cancelled, true);
    assert.deepEqual(await pidsWithArg(marker), []);
  });
});
