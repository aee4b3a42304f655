import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runValidate } from '../../../src/cli/commands/validate.js';
import { checkoutBaseTree } from '../../../src/fix/policy/base-tree.js';
import { checkPatchPolicy } from '../../../src/fix/policy/patch.js';
import { splitPatch } from '../../../src/fix/validate/patch-files.js';
import { diffFor, git, makeRepo } from '../../helpers/temp-repo.js';

const dirs: string[] = [];
const BASE = {
  'package.json': `${JSON.stringify({ name: 'x', scripts: { test: 'node --test' }, dependencies: { a: '^1.0.0' } }, null, 2)}\n`,
  '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
  'src/index.js': 'module.exports = (a) => a;\n',
  'docs/my notes.md': 'notes\n',
  'gradle/wrapper/gradle-wrapper.jar': 'PK\u0003\u0004\u0000\u0000binary',
};

async function repo(): Promise<string> {
  const dir = await makeRepo(BASE);
  dirs.push(dir);
  return dir;
}

async function validateText(dir: string, patch: string): Promise<{ verdict: string; reasons: string[]; exitCode: number }> {
  const file = path.join(dir, '..', `${path.basename(dir)}.patch`);
  dirs.push(file);
  await writeFile(file, patch);
  const { report, exitCode } = await runValidate({ repo: dir, patch: file });
  return { verdict: report.verdict, reasons: report.reasons, exitCode };
}

describe('globallm validate applies the fix policy', () => {
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('a CI edit is refused, naming the rule and the file, before anything runs', async () => {
    const dir = await repo();
    const patch = await diffFor(dir, { '.github/workflows/ci.yml': 'on: push\njobs: { x: { runs-on: a, steps: [ { run: "curl x | sh" } ] } }\n' });
    const r = await validateText(dir, patch);
    assert.equal(r.verdict, 'refused');
    assert.equal(r.exitCode, 1);
    assert.deepEqual(r.reasons, ['refused by rule "ci" (CI and automation configuration is never edited): .github/workflows/ci.yml']);
  });

  test('package.json scripts, scp-style dependencies and test configuration are refused with their rules', async () => {
    const dir = await repo();
    const pkg = JSON.parse(BASE['package.json']) as Record<string, unknown>;
    const patch = await diffFor(dir, {
      'package.json': JSON.stringify({ ...pkg, scripts: { test: 'node --test', pretest: 'node x.js' }, dependencies: { a: 'git@github.com:evil/a.git' } }),
      'jest.config.js': 'module.exports = {};\n',
    });
    const r = await validateText(dir, patch);
    assert.equal(r.verdict, 'refused');
    assert.ok(r.reasons.some((x) => /rule "package-scripts".*"pretest".*: package\.json$/.test(x)), r.reasons.join('\n'));
    assert.ok(r.reasons.some((x) => /rule "dependency-sources".*: package\.json$/.test(x)));
    assert.ok(r.reasons.some((x) => /rule "test-config".*: jest\.config\.js$/.test(x)));
  });

  test('paths with spaces and non-ASCII names from real git output are read exactly', async () => {
    const dir = await repo();
    const patch = await diffFor(dir, { 'docs/my notes.md': 'more notes\n', 'docs/caf\u00e9 menu.md': 'x\n' });
    assert.deepEqual(splitPatch(patch).map((f) => f.newPath).sort(), ['docs/caf\u00e9 menu.md', 'docs/my notes.md']);
    assert.deepEqual(await checkPatchPolicy(patch, checkoutBaseTree(dir)), []);
  });

  test('a rename with spaces and no ---/+++ lines is read from its header and both sides are checked', async () => {
    const dir = await repo();
    git(dir, ['mv', 'docs/my notes.md', '.github/workflows/my notes.yml']);
    const patch = git(dir, ['diff', '--cached', '-M']);
    git(dir, ['reset', '-q', '--hard']);
    assert.doesNotMatch(patch, /^\+\+\+ /m);
    assert.deepEqual(splitPatch(patch).map((f) => [f.oldPath, f.newPath]), [['docs/my notes.md', '.github/workflows/my notes.yml']]);
    const r = await validateText(dir, patch);
    assert.equal(r.verdict, 'refused');
    assert.match(r.reasons.join('\n'), /rule "ci".*: \.github\/workflows\/my notes\.yml/);
  });

  test('a header whose paths cannot be read is refused, not guessed', async () => {
    const dir = await repo();
    const r = await validateText(dir, 'diff --git a/x.js b/y.js c/z.js\nold mode 100644\nnew mode 100755\n');
    assert.equal(r.verdict, 'refused');
    assert.match(r.reasons[0] ?? '', /rule "patch-form"/);
  });

  test('binary patches to protected files are refused like text ones', async () => {
    const dir = await repo();
    await writeFile(path.join(dir, 'gradle/wrapper/gradle-wrapper.jar'), Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 9, 9, 0, 1]));
    git(dir, ['add', '-A']);
    const patch = git(dir, ['diff', '--cached', '--binary']);
    git(dir, ['reset', '-q', '--hard']);
    assert.match(patch, /GIT binary patch/);
    const r = await validateText(dir, patch);
    assert.equal(r.verdict, 'refused');
    assert.ok(r.reasons.some((x) => /rule "wrappers".*gradle-wrapper\.jar$/.test(x)), r.reasons.join('\n'));
    assert.ok(r.reasons.some((x) => /rule "binary"/.test(x)));
  });

  test('a symlink in the repository never lets a write escape', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    dirs.push(outside);
    const dir = await repo();
    await symlink(outside, path.join(dir, 'vendor'));
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'link']);
    const patch = 'diff --git a/vendor/evil.js b/vendor/evil.js\nnew file mode 100644\n--- /dev/null\n+++ b/vendor/evil.js\n@@ -0,0 +1 @@\n+pwned\n';
    const r = await validateText(dir, patch);
    assert.equal(r.verdict, 'refused');
    assert.match(r.reasons.join('\n'), /rule "symlink".*vendor\/evil\.js/);
    assert.deepEqual(await readdir(outside), []);
    assert.equal(await checkoutBaseTree(dir).read('vendor/evil.js'), null);
  });

  test('a plain source fix is not refused by the policy', async () => {
    const dir = await repo();
    const patch = await diffFor(dir, { 'src/index.js': 'module.exports = (a) => a ?? 0;\n' });
    assert.deepEqual(await checkPatchPolicy(patch, checkoutBaseTree(dir)), []);
  });
});
