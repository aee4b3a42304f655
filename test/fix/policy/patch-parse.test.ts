import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { memoryBaseTree } from '../../../src/fix/policy/base-tree.js';
import { checkPatchPolicy } from '../../../src/fix/policy/patch.js';
import { splitPatch, unquotePath } from '../../../src/fix/validate/patch-files.js';

const paths = (patch: string): [string | null, string | null][] => splitPatch(patch).map((f) => [f.oldPath, f.newPath]);
const none = memoryBaseTree(new Map());

describe('patch headers: bad and unusual input', () => {
  test('git C-quoted paths: octal UTF-8 bytes, escaped quotes, tabs and backslashes', () => {
    assert.equal(unquotePath('"docs/caf\\303\\251.md"'), 'docs/café.md');
    assert.equal(unquotePath('"a/say \\"hi\\".txt"'), 'a/say "hi".txt');
    assert.equal(unquotePath('"a/tab\\there"'), 'a/tab\there');
    assert.equal(unquotePath('"a/back\\\\slash"'), 'a/back\\slash');
    assert.equal(unquotePath('plain/path'), 'plain/path');
    assert.deepEqual(paths('diff --git "a/x \\"q\\".md" "b/x \\"q\\".md"\nindex 1..2 100644\n--- "a/x \\"q\\".md"\n+++ "b/x \\"q\\".md"\n@@ -1 +1 @@\n-a\n+b\n'), [['x "q".md', 'x "q".md']]);
  });

  test('unquoted paths with spaces, with and without ---/+++ lines', () => {
    assert.deepEqual(paths('diff --git a/my dir/a b.txt b/my dir/a b.txt\nold mode 100644\nnew mode 100755\n'), [['my dir/a b.txt', 'my dir/a b.txt']]);
    assert.deepEqual(paths('--- a/my file.txt\t2024-01-01 00:00:00\n+++ b/my file.txt\t2024-01-02 00:00:00\n@@ -1 +1 @@\n-x\n+y\n'), [['my file.txt', 'my file.txt']]);
    assert.deepEqual(paths('diff --git a/x b/y.txt b/x b/y.txt\ndeleted file mode 100644\n'), [['x b/y.txt', null]]);
  });

  test('a header that cannot be split and has no other path lines is refused, not guessed', async () => {
    const patch = 'diff --git a/one two b/three four\nold mode 100644\nnew mode 100755\n';
    assert.deepEqual(paths(patch), [[null, null]]);
    const r = await checkPatchPolicy(patch, none);
    assert.deepEqual(r.map((x) => x.rule), ['patch-form']);
  });

  test('CRLF patches read their paths from the ---/+++ lines', () => {
    assert.deepEqual(paths('diff --git a/src/a.js b/src/a.js\r\n--- a/src/a.js\r\n+++ b/src/a.js\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n'), [['src/a.js', 'src/a.js']]);
  });

  test('empty input, prose and a lone hunk are refused', async () => {
    for (const patch of ['', 'please apply my fix\n', '@@ -1 +1 @@\n-a\n+b\n']) {
      assert.deepEqual((await checkPatchPolicy(patch, none)).map((x) => x.rule), ['patch-form'], JSON.stringify(patch));
    }
  });

  test('the same file twice in one patch is refused', async () => {
    const one = 'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n';
    const r = await checkPatchPolicy(one + one.replace(/src\/a\.js/g, 'src/A.js'), memoryBaseTree(new Map([['src/a.js', 'a\n'], ['src/A.js', 'a\n']])));
    assert.deepEqual(r.map((x) => x.rule), ['duplicate']);
  });

  test('a manifest whose hunks do not apply to the base cannot be checked and is refused', async () => {
    const patch = 'diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -1,3 +1,3 @@\n {\n-  "name": "other"\n+  "name": "x"\n }\n';
    const r = await checkPatchPolicy(patch, memoryBaseTree(new Map([['package.json', '{\n  "name": "x"\n}\n']])));
    assert.deepEqual(r.map((x) => x.rule), ['patch-form']);
  });

  test('deleting a lockfile or manifest is refused', async () => {
    const patch = 'diff --git a/Cargo.lock b/Cargo.lock\ndeleted file mode 100644\n--- a/Cargo.lock\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n';
    assert.deepEqual((await checkPatchPolicy(patch, memoryBaseTree(new Map([['Cargo.lock', 'x\n']])))).map((x) => x.rule), ['dependencies']);
  });
});
