import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chosenFiles, filesOfDiff } from '../../src/fix/chosen-files.js';
import { prepareWorktree } from '../../src/fix/prepare/cache.js';
import type { FixResult } from '../../src/fix/schema.js';
import { diffFor, git, makeRepo } from '../helpers/temp-repo.js';

const FILES = { 'calc.py': 'def add(a, b):\n    return a - b\n', 'old.txt': 'gone soon\n', 'README.md': '# calc\n' };

describe('files of the chosen diff', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  async function repoWithDiff(): Promise<{ repo: string; commit: string; diff: string }> {
    const repo = await makeRepo(FILES);
    dirs.push(repo);
    git(repo, ['rm', '-q', 'old.txt']);
    const deleted = git(repo, ['diff', '--cached']);
    git(repo, ['reset', '-q', '--hard']);
    const changed = await diffFor(repo, { 'calc.py': 'def add(a, b):\n    return a + b\n', 'tests/test_add.py': 'import calc\n' });
    return { repo, commit: git(repo, ['rev-parse', 'HEAD']).trim(), diff: changed + deleted };
  }

  test('each changed, added and deleted file comes back before and after; the scratch worktree is gone', async () => {
    const { repo, commit, diff } = await repoWithDiff();
    const files = await filesOfDiff(repo, commit, diff);
    assert.deepEqual(files.sort((a, b) => a.path.localeCompare(b.path)), [
      { path: 'calc.py', before: FILES['calc.py'], after: 'def add(a, b):\n    return a + b\n' },
      { path: 'old.txt', before: 'gone soon\n', after: null },
      { path: 'tests/test_add.py', after: 'import calc\n' },
    ]);
    assert.equal(git(repo, ['worktree', 'list']).trim().split('\n').length, 1, 'only the main worktree is left');
    assert.equal(git(repo, ['status', '--porcelain']), '', 'the repository itself is untouched');
  });

  test('a diff that does not apply fails and leaves no worktree behind', async () => {
    const { repo, commit } = await repoWithDiff();
    const bad = '--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n-def mul(a, b):\n+def add(a, b):\n     return a * b\n';
    await assert.rejects(filesOfDiff(repo, commit, bad), /git apply failed/);
    assert.equal(git(repo, ['worktree', 'list']).trim().split('\n').length, 1);
  });

  test('chosenFiles reads the chosen candidate from the mirror in the fix cache, and nothing when none was chosen', async () => {
    const { repo, commit, diff } = await repoWithDiff();
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'chosen-files-'));
    dirs.push(cacheDir);
    const prepared = await prepareWorktree({ cacheDir, repo: 'acme/calc', source: { localPath: repo }, baseBranch: 'main', label: '1' });
    await prepared.dispose();
    const judged = { repo: 'acme/calc', commit, chosen: null } as unknown as FixResult;
    assert.deepEqual(await chosenFiles(cacheDir, judged), []);
    const withChosen = { ...judged, chosen: { diff } } as unknown as FixResult;
    assert.deepEqual((await chosenFiles(cacheDir, withChosen)).map((f) => f.path).sort(), ['calc.py', 'old.txt', 'tests/test_add.py']);
    assert.deepEqual(await readdir(path.join(cacheDir, 'worktrees')), []);
  });
});
