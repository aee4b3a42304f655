import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { GitError, runGit } from '../../../src/git/run.js';
import { loaderArgs } from '../../../src/util/spawn/helper-client.js';
import { CommandError, execCommand, startCommandsFromHelper } from '../../../src/util/spawn/commands.js';
import { describeGitRunner } from '../../helpers/git-runner-cases.js';

/** This process's children that run the git helper. */
function helpers(): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('helper-process');
    } catch {
      return false;
    }
  });
}

/** A git command that runs until it is stopped (for a few seconds at most). */
const WAIT = 'alias.wait=!sleep 3';

startCommandsFromHelper();
describeGitRunner('the git runner, starting git from its helper process');

describe('the command helper process', () => {
  test('runs the commands: one helper, started on the first command', async () => {
    assert.match(await runGit(['--version']), /^git version /);
    assert.equal(helpers().length, 1);
  });

  test('a helper that dies fails the command it held with a GitError, and the next command starts another', async () => {
    await runGit(['--version']);
    const [first] = helpers();
    assert.ok(first);
    const held = runGit(['wait'], { config: [WAIT] });
    await new Promise((r) => setTimeout(r, 200));
    process.kill(first, 'SIGKILL');
    await assert.rejects(held, (e: unknown) => e instanceof GitError && e.exitCode === null && /helper process exited/.test(e.message));
    assert.match(await runGit(['--version']), /^git version /);
    const now = helpers();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], first);
  });

  test('a command cancelled while it runs in the helper rejects with an AbortError', async () => {
    const ac = new AbortController();
    const running = runGit(['wait'], { config: [WAIT], signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(running, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  });

  test('runs any command as execFile would: its output, or a CommandError with its exit code and stderr', async () => {
    assert.deepEqual(await execCommand('sh', ['-c', 'printf out; printf err >&2'], { timeoutMs: 10_000 }), { stdout: 'out', stderr: 'err' });
    assert.equal((await execCommand('sh', ['-c', 'echo "$X"'], { timeoutMs: 10_000, env: { X: 'only this' } })).stdout, 'only this\n');
    await assert.rejects(execCommand('sh', ['-c', 'echo no >&2; exit 3'], { timeoutMs: 10_000 }), (e: unknown) => e instanceof CommandError && e.code === 3 && e.stderr === 'no\n');
    await assert.rejects(execCommand('/no/such/command', [], { timeoutMs: 10_000 }), (e: unknown) => e instanceof CommandError && e.code === 'ENOENT');
    await assert.rejects(execCommand('sleep', ['5'], { timeoutMs: 100 }), (e: unknown) => e instanceof CommandError && e.code === null);
  });

  test('keeps only the node options that load modules', () => {
    assert.deepEqual(loaderArgs(['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir=/x', '--inspect=9229', '--require=./a.cjs', '-r', 'b', '--max-old-space-size=512']), ['--import', 'tsx', '--require=./a.cjs', '-r', 'b']);
    assert.deepEqual(loaderArgs(['--import']), []);
  });
});
