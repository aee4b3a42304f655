import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
}

/** A temp git repository holding `files`, committed. */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'validate-repo-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'init']);
  return dir;
}

/** The diff that turns the committed tree into one with `changes`; the files are restored after. */
export async function diffFor(repo: string, changes: Record<string, string>): Promise<string> {
  const saved: Record<string, string | null> = {};
  for (const [rel, text] of Object.entries(changes)) {
    const p = path.join(repo, rel);
    saved[rel] = await readFile(p, 'utf8').catch(() => null);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, text);
  }
  git(repo, ['add', '-A']);
  const diff = git(repo, ['diff', '--cached']);
  git(repo, ['reset', '-q', '--hard']);
  git(repo, ['clean', '-qfd']);
  return diff;
}

/** A tiny Python project whose `add` is wrong: test_add fails, test_sub passes. */
export const PY_BUGGY: Record<string, string> = {
  'calc.py': 'def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n',
  'tests/__init__.py': '',
  'tests/test_calc.py': [
    'import unittest',
    'from calc import add, sub',
    '',
    '',
    'class CalcTest(unittest.TestCase):',
    '    def test_add(self):',
    '        self.assertEqual(add(2, 3), 5)',
    '',
    '    def test_sub(self):',
    '        self.assertEqual(sub(5, 3), 2)',
    '',
  ].join('\n'),
};

export const PY_TEST_CMD = ['python3', '-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'];
