import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { runValidate, splitTestCommand } from '../../../src/cli/commands/validate.js';
import { registerValidate } from '../../../src/cli/program/validate.js';
import { UsageError } from '../../../src/errors.js';
import { diffFor, makeRepo, PY_BUGGY } from '../../helpers/temp-repo.js';

const dirs: string[] = [];

describe('globallm validate', () => {
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  test('splits --test-cmd without a shell', () => {
    assert.deepEqual(splitTestCommand('python3 -m unittest -k "a b"'), ['python3', '-m', 'unittest', '-k', 'a b']);
    assert.deepEqual(splitTestCommand('npm test && rm -rf /'), ['npm', 'test', '&&', 'rm', '-rf', '/']);
    assert.throws(() => splitTestCommand('   '), UsageError);
  });

  test('bad input is a UsageError', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'not-git-'));
    dirs.push(plain);
    const repo = await makeRepo(PY_BUGGY);
    dirs.push(repo);
    const empty = path.join(plain, 'empty.patch');
    await writeFile(empty, '');
    await assert.rejects(runValidate({ repo: plain, patch: empty }), UsageError);
    await assert.rejects(runValidate({ repo: path.join(plain, 'missing'), patch: empty }), UsageError);
    await assert.rejects(runValidate({ repo, patch: path.join(plain, 'missing.patch') }), UsageError);
    await assert.rejects(runValidate({ repo, patch: empty }), UsageError);
    await assert.rejects(runValidate({ repo, patch: empty, timeout: '-3' }));
  });

  test('end to end: pass with exit 0, fixed test in the JSON shape', async () => {
    const repo = await makeRepo(PY_BUGGY);
    dirs.push(repo);
    const patchText = await diffFor(repo, { 'calc.py': PY_BUGGY['calc.py']!.replace('return a - b\n\n\ndef sub', 'return a + b\n\n\ndef sub') });
    const patch = path.join(repo, '..', `${path.basename(repo)}.patch`);
    dirs.push(patch);
    await writeFile(patch, patchText);
    const { report, exitCode } = await runValidate({ repo, patch, testCmd: 'python3 -m unittest discover -v -s tests -t .', timeout: 60 });
    assert.equal(exitCode, 0);
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(report.before?.results.failed, ['tests.test_calc.CalcTest.test_add']);
    assert.deepEqual(report.fixed, ['tests.test_calc.CalcTest.test_add']);
    const broken = await runValidate({ repo, patch, testCmd: 'python3 -c "raise SystemExit(3)"', timeout: 60 });
    assert.equal(broken.exitCode, 1);
    assert.equal(broken.report.verdict, 'fail');
  });

  test('registers the command with its options', () => {
    const program = new Command();
    registerValidate(program);
    const cmd = program.commands.find((c) => c.name() === 'validate');
    assert.ok(cmd);
    assert.deepEqual(cmd.options.map((o) => o.long).sort(), ['--json', '--patch', '--repo', '--test-cmd', '--test-patch', '--timeout']);
  });
});
