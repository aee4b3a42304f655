import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { normalizeRepoPath } from '../edits/repo-path.js';

/**
 * Reads a repository file named by untrusted input: the path must be normal, every component a
 * real directory or file (no symlinks), and the result inside the worktree. Null otherwise.
 */
export async function readWorktreeFile(worktree: string, raw: string, maxBytes = 512 * 1024): Promise<{ path: string; text: string } | null> {
  const normal = normalizeRepoPath(raw);
  if (!normal.ok) return null;
  const root = await realpath(worktree);
  let cur = root;
  for (const part of normal.path.split('/')) {
    cur = path.join(cur, part);
    try {
      const st = await lstat(cur);
      if (st.isSymbolicLink()) return null;
    } catch {
      return null;
    }
  }
  const st = await lstat(cur);
  if (!st.isFile() || st.size > maxBytes) return null;
  const rel = path.relative(root, cur);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const text = await readFile(cur, 'utf8');
  if (text.includes('\u0000')) return null;
  return { path: normal.path, text };
}
