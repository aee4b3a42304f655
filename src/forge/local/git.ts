import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { runGitBytes, tryGit } from '../../git/run.js';

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
  const top = await tryGit(['rev-parse', '--show-toplevel'], { cwd: real });
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
export async function readBlobs(cwd: string, specs: readonly string[]): Promise<Array<string | null>> {
  // A spec with a newline would split into two requests: it names nothing.
  const input = specs.map((s) => (s.includes('\n') ? 'invalid:' : s)).join('\n') + '\n';
  return parseBatch(await runGitBytes(['cat-file', '--batch'], { cwd, input }), specs.length);
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
