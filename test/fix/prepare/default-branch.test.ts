import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { UsageError } from '../../../src/errors.js';
import { remoteDefaultBranch } from '../../../src/fix/prepare/default-branch.js';
import { git, makeRepo } from '../../helpers/temp-repo.js';

describe('remoteDefaultBranch', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  test('names the branch the remote HEAD points at', async () => {
    const repo = await makeRepo({ 'a.txt': 'a\n' });
    dirs.push(repo);
    assert.equal(await remoteDefaultBranch({ localPath: repo }), 'main');
    git(repo, ['branch', '-q', '-m', 'main', 'trunk']);
    assert.equal(await remoteDefaultBranch({ localPath: repo }), 'trunk');
  });

  test('a remote whose HEAD names no branch gives main', async () => {
    const repo = await makeRepo({ 'a.txt': 'a\n' });
    dirs.push(repo);
    git(repo, ['branch', '-q', '-m', 'main', 'trunk']);
    git(repo, ['checkout', '-q', '--detach']);
    assert.equal(await remoteDefaultBranch({ localPath: repo }), 'main');
  });

  test('a source that is not a repository or not allowed is refused', async () => {
    await assert.rejects(remoteDefaultBranch({ localPath: 'relative/path' }), UsageError);
    await assert.rejects(remoteDefaultBranch({ localPath: '/nonexistent/globallm-repo' }), UsageError);
    await assert.rejects(remoteDefaultBranch({ cloneUrl: 'ssh://example.com/a/b' }), UsageError);
    await assert.rejects(remoteDefaultBranch({ cloneUrl: 'https://user:pw@example.com/a/b' }), UsageError);
  });

  test('a directory that is not a git repository fails in git', async () => {
    const repo = await makeRepo({ 'a.txt': 'a\n' });
    dirs.push(repo);
    await rm(`${repo}/.git`, { recursive: true, force: true });
    await assert.rejects(remoteDefaultBranch({ localPath: repo }), /git ls-remote failed/);
  });
});
