import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Edit } from '../edits/schema.js';
import { readWorktreeFile } from '../localize/files.js';

/** Contents of every existing file the edits name, and which of them sit on a symlink. */
export async function readEditedFiles(worktree: string, edits: readonly Edit[]): Promise<{ files: Map<string, string>; symlinks: Set<string> }> {
  const files = new Map<string, string>();
  const symlinks = new Set<string>();
  for (const e of edits) {
    if (files.has(e.path) || symlinks.has(e.path)) continue;
    let cur = worktree;
    for (const part of e.path.split('/')) {
      cur = path.join(cur, part);
      const st = await lstat(cur).catch(() => null);
      if (!st) break;
      if (st.isSymbolicLink()) {
        symlinks.add(e.path);
        break;
      }
    }
    const read = symlinks.has(e.path) ? null : await readWorktreeFile(worktree, e.path);
    if (read) files.set(read.path, read.text);
  }
  return { files, symlinks };
}
