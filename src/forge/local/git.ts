import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/** Output limit for one git command (a huge history is cut, never buffered whole). */
const MAX_BUFFER = 64 * 1024 * 1024;

const ENV: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: process.env['HOME'] ?? '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
};

export class GitCommandError extends Error {
  constructor(message: string, readonly code: number | null) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/** Runs real `git` without a shell: arguments are passed as a list, never interpolated. */
export function runGit(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd, env: ENV, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
        reject(new GitCommandError(`git ${args[0] ?? ''} failed: ${stderr.trim().split('\n')[0] ?? err.message}`, code));
        return;
      }
      resolve(stdout);
    });
  });
}

/** Like runGit, but a failure (no HEAD, missing path) gives null. */
export async function tryGit(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return await runGit(cwd, args);
  } catch (err) {
    if (err instanceof GitCommandError) return null;
    throw err;
  }
}

/**
 * The real path of a git working tree's top, or a UsageError when `dir` is not a directory or
 * not the top of a git repository.
 */
export async function assertGitRepository(dir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(dir);
    if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`${dir} is not a directory`);
  }
  const top = await tryGit(real, ['rev-parse', '--show-toplevel']);
  if (top === null || path.resolve(top.trim()) !== real) throw new UsageError(`${dir} is not a git repository (no .git at its top)`);
  return real;
}

/** True when `dir` is the top of a git working tree (no error). */
export async function isGitRepository(dir: string): Promise<boolean> {
  try {
    await assertGitRepository(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of each `<rev>:<path>` spec, or null where it names no blob: one `git cat-file --batch`
 * for all of them instead of one process per file.
 */
export function readBlobs(cwd: string, specs: readonly string[]): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['cat-file', '--batch'], { cwd, env: ENV, maxBuffer: MAX_BUFFER, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) {
        const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
        reject(new GitCommandError(`git cat-file failed: ${stderr.toString('utf8').trim().split('\n')[0] ?? err.message}`, code));
        return;
      }
      resolve(parseBatch(stdout, specs.length));
    });
    child.stdin?.on('error', () => {});
    // A spec with a newline would split into two requests: it names nothing.
    child.stdin?.end(specs.map((s) => (s.includes('\n') ? 'invalid:' : s)).join('\n') + '\n');
  });
}

/** `<oid> <type> <size>\n<bytes>\n` per found object, `<spec> missing` (or ambiguous) otherwise. */
function parseBatch(out: Buffer, count: number): Array<string | null> {
  const texts: Array<string | null> = [];
  let at = 0;
  while (texts.length < count && at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    const size = Number(header[2]);
    if (header.length !== 3 || !Number.isInteger(size)) { texts.push(null); continue; }
    texts.push(header[1] === 'blob' ? out.subarray(at, at + size).toString('utf8') : null);
    at += size + 1;
  }
  while (texts.length < count) texts.push(null);
  return texts;
}
