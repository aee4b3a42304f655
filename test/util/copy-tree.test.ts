import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyTree } from '../../src/util/copy-tree.js';

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

describe('copyTree', () => {
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('copies files with their modes, .git and nested node_modules; links stay links; the top-level node_modules stays behind', async () => {
    const src = await tempDir('copy-src-');
    const outside = await tempDir('copy-outside-');
    await writeFile(path.join(outside, 'secret'), 'not copied');
    await mkdir(path.join(src, '.git', 'refs'), { recursive: true });
    await writeFile(path.join(src, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await mkdir(path.join(src, 'node_modules', 'dep'), { recursive: true });
    await writeFile(path.join(src, 'node_modules', 'dep', 'index.js'), '');
    await mkdir(path.join(src, 'packages', 'x', 'node_modules'), { recursive: true });
    await writeFile(path.join(src, 'packages', 'x', 'node_modules', 'kept.js'), 'kept');
    await writeFile(path.join(src, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(src, 'run.sh'), 0o755);
    await symlink(path.join(outside, 'secret'), path.join(src, 'link'));
    await symlink(outside, path.join(src, 'dirlink'));
    const dest = path.join(await tempDir('copy-dest-'), 'tree');

    await copyTree(src, dest);

    assert.equal(await readFile(path.join(dest, '.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    assert.equal((await stat(path.join(dest, '.git', 'refs'))).isDirectory(), true);
    assert.equal(await readFile(path.join(dest, 'packages', 'x', 'node_modules', 'kept.js'), 'utf8'), 'kept');
    await assert.rejects(lstat(path.join(dest, 'node_modules')), { code: 'ENOENT' });
    assert.equal((await stat(path.join(dest, 'run.sh'))).mode & 0o777, 0o755);
    assert.equal((await lstat(path.join(dest, 'link'))).isSymbolicLink(), true);
    assert.equal(await readlink(path.join(dest, 'link')), path.join(outside, 'secret'));
    assert.equal((await lstat(path.join(dest, 'dirlink'))).isSymbolicLink(), true);
    assert.equal((await stat(src)).mode & 0o777, (await stat(dest)).mode & 0o777);
  });

  test('an empty tree gives an empty copy', async () => {
    const src = await tempDir('copy-empty-');
    const dest = path.join(await tempDir('copy-dest-'), 'tree');
    await copyTree(src, dest);
    assert.equal((await stat(dest)).isDirectory(), true);
  });

  test('bad input: a missing source, a file as source, an existing destination', async () => {
    const src = await tempDir('copy-bad-');
    await writeFile(path.join(src, 'f'), 'x');
    const dest = await tempDir('copy-dest-');
    await assert.rejects(copyTree(path.join(src, 'missing'), path.join(dest, 'a')), { code: 'ENOENT' });
    await assert.rejects(copyTree(path.join(src, 'f'), path.join(dest, 'b')), /not a directory/);
    await assert.rejects(copyTree(src, dest), { code: 'EEXIST' });
    assert.equal(await readFile(path.join(src, 'f'), 'utf8'), 'x');
  });
});
