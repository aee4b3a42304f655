// The git runner's behaviour, run by test/git/run.test.ts and test/util/spawn/helper-client.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitError, runGit, runGitBytes, tryGit } from '../../src/git/run.js';

const WHO = { GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.org', GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.org' };

/** The git runner's cases: the same whether this process starts git itself or through its helper. */
export function describeGitRunner(title: string): void {
  describe(title, () => {
    let root: string;
    let repo: string;

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'git-run-'));
      repo = path.join(root, 'repo');
      await runGit(['init', '--quiet', '--initial-branch=main', repo]);
      await writeFile(path.join(repo, 'größe.txt'), 'one\n');
      await runGit(['add', '--', 'größe.txt'], { cwd: repo });
      await runGit(['commit', '--quiet', '-m', 'first'], { cwd: repo, env: WHO });
    });
    after(async () => { await rm(root, { recursive: true, force: true }); });

    test('returns standard output; paths are printed as they are, not quoted', async () => {
      assert.equal(await runGit(['ls-files'], { cwd: repo }), 'größe.txt\n');
      assert.equal((await runGit(['log', '-1', '--format=%s %an'], { cwd: repo })).trim(), 'first Ann');
    });

    test('writes input to stdin and returns bytes as they are', async () => {
      const oid = (await runGit(['hash-object', '-w', '--stdin'], { cwd: repo, input: Buffer.from([0, 255, 10]) })).trim();
      assert.match(oid, /^[0-9a-f]{40}$/);
      assert.deepEqual([...await runGitBytes(['cat-file', 'blob', oid], { cwd: repo })], [0, 255, 10]);
    });

    test('a failure is a GitError carrying the exit code and stderr; tryGit turns it into null', async () => {
      const err = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof GitError);
      assert.equal(err.exitCode, 128);
      assert.match(err.stderr, /no-such-ref|Needed a single revision/);
      assert.match(err.message, /^git rev-parse failed \(exit 128\): /);
      assert.equal(await tryGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo }), null);
    });

    test('an allowed exit code returns the output instead of failing', async () => {
      assert.equal(await runGit(['grep', '-F', '-e', 'absent text', '--', '.'], { cwd: repo, allowExit: [1] }), '');
      await assert.rejects(runGit(['grep', '-F', '-e', 'absent text', '--', '.'], { cwd: repo }), (e: unknown) => e instanceof GitError && e.exitCode === 1);
    });

    test("the repository's own config cannot run a command: fsmonitor and hooks are off", async () => {
      const marker = path.join(root, 'ran');
      const script = path.join(root, 'evil.sh');
      await writeFile(script, `#!/bin/sh\ntouch '${marker}'\n`);
      await chmod(script, 0o755);
      const hooks = path.join(root, 'hooks');
      await runGit(['config', 'core.fsmonitor', script], { cwd: repo });
      await runGit(['config', 'core.hooksPath', hooks], { cwd: repo });
      await mkdir(hooks);
      await copyFile(script, path.join(hooks, 'pre-commit'));
      await copyFile(script, path.join(hooks, 'post-commit'));
      await runGit(['status', '--porcelain'], { cwd: repo });
      await runGit(['commit', '--quiet', '--allow-empty', '-m', 'second'], { cwd: repo, env: WHO });
      assert.equal(existsSync(marker), false);
    });

    test('no transport unless allowed: a clone of a local path needs `file`', async () => {
      await assert.rejects(runGit(['clone', '--quiet', '--bare', '--', repo, path.join(root, 'refused.git')]), GitError);
      await runGit(['clone', '--quiet', '--bare', '--', repo, path.join(root, 'copy.git')], { allowProtocols: ['file'] });
      const head = await runGit(['rev-parse', 'HEAD'], { cwd: repo });
      assert.equal(await runGit(['rev-parse', 'HEAD'], { cwd: path.join(root, 'copy.git') }), head);
    });

    test('extra -c settings apply to the one call only', async () => {
      assert.equal((await runGit(['config', '--get', 'user.name'], { cwd: repo, config: ['user.name=Bea'] })).trim(), 'Bea');
      assert.equal(await tryGit(['config', '--get', 'user.name'], { cwd: repo }), null);
    });

    test('output over the limit fails instead of being buffered whole', async () => {
      await assert.rejects(runGit(['log', '--format=%H%n%H%n%H'], { cwd: repo, maxBuffer: 10 }), (e: unknown) => e instanceof GitError && e.exitCode === null);
    });

    test('a cancelled call rejects with an AbortError', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(runGit(['status'], { cwd: repo, signal: ac.signal }), (e: unknown) => e instanceof Error && e.name === 'AbortError');
    });

    test('a directory that is not a repository is a GitError, not a crash', async () => {
      await assert.rejects(runGit(['rev-parse', 'HEAD'], { cwd: root }), GitError);
    });
  });
}
