import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkPatchFiles, isTestPath, splitPatch, testOnlyPatch, unsafeReason } from '../../../src/fix/validate/patch-files.js';
import { SandboxViolation } from '../../../src/errors.js';

const TWO = [
  'diff --git a/src/x.py b/src/x.py',
  'index 1111111..2222222 100644',
  '--- a/src/x.py',
  '+++ b/src/x.py',
  '@@ -1 +1 @@',
  '-a',
  '+b',
  'diff --git a/tests/test_x.py b/tests/test_x.py',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/tests/test_x.py',
  '@@ -0,0 +1 @@',
  '+def test_x(): pass',
  '',
].join('\n');

describe('patch files', () => {
  test('splits a git diff into files with their paths', () => {
    const files = splitPatch(TWO);
    assert.equal(files.length, 2);
    assert.deepEqual(files.map((f) => [f.oldPath, f.newPath]), [['src/x.py', 'src/x.py'], [null, 'tests/test_x.py']]);
    assert.doesNotThrow(() => checkPatchFiles(files));
  });

  test('reads plain diff -u output and renames', () => {
    const plain = splitPatch('--- a/lib.c\t2024-01-01\n+++ b/lib.c\t2024-01-02\n@@ -1 +1 @@\n-x\n+y\n');
    assert.deepEqual(plain.map((f) => [f.oldPath, f.newPath]), [['lib.c', 'lib.c']]);
    const ren = splitPatch('diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to ../new.txt\n');
    assert.equal(ren[0]?.newPath, '../new.txt');
    assert.throws(() => checkPatchFiles(ren), SandboxViolation);
  });

  test('unsafe paths', () => {
    assert.equal(unsafeReason('src/a.ts'), null);
    assert.equal(unsafeReason('.github/workflows/ci.yml'), null);
    for (const p of ['/etc/passwd', '../x', 'a/../../x', '.git/config', 'sub/.git/hooks/x', '.GIT/config', '', 'a\\b']) assert.notEqual(unsafeReason(p), null, p);
  });

  test('symlinks, binaries and empty patches are refused', () => {
    assert.throws(() => checkPatchFiles(splitPatch('diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n')), /symlink/);
    assert.throws(() => checkPatchFiles(splitPatch('diff --git a/i.png b/i.png\nindex 1..2 100644\nGIT binary patch\nliteral 1\n')), /binary/);
    assert.throws(() => checkPatchFiles(splitPatch('hello\n')), /no file changes/);
  });

  test('test paths and the tests-only patch', () => {
    for (const p of ['tests/test_a.py', 'test/a.test.ts', 'pkg/a_test.go', 'src/__tests__/x.js', 'test_mod.py', 'src/test/java/AT.java', 'a.spec.mjs']) assert.equal(isTestPath(p), true, p);
    for (const p of ['src/a.py', 'lib/testing.js', 'contest.py', 'attest/a.c']) assert.equal(isTestPath(p), false, p);
    const only = testOnlyPatch(splitPatch(TWO));
    assert.match(only, /tests\/test_x\.py/);
    assert.doesNotMatch(only, /src\/x\.py/);
  });
});
