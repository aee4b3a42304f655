import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePatch } from 'diff';
import { mirrorPath } from './prepare/cache.js';
import { runGit } from '../git/run.js';
import type { FixResult } from './schema.js';

/** A file the chosen diff changes: what the pull request commits and `fix_results.files` keeps. */
export interface StoredFile { path: string; before?: string; after: string | null }

/** The diff applied with real git to a scratch worktree of the mirror: each file before and after. */
export async function filesOfDiff(mirror: string, commit: string, diff: string): Promise<StoredFile[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'globallm-apply-'));
  const tree = join(scratch, 'tree');
  try {
    await runGit(['worktree', 'add', '--quiet', '--detach', '--', tree, commit], { cwd: mirror });
    const patchFile = join(scratch, 'change.patch');
    await writeFile(patchFile, diff);
    await runGit(['apply', '--whitespace=nowarn', '--', patchFile], { cwd: tree });
    const files: StoredFile[] = [];
    for (const p of parsePatch(diff)) {
      const oldPath = p.oldFileName?.replace(/^a\//, '');
      const newPath = p.newFileName?.replace(/^b\//, '');
      const path = newPath && newPath !== '/dev/null' ? newPath : (oldPath);
      const before = oldPath && oldPath !== '/dev/null' ? await runGit(['show', `${commit}:${oldPath}`], { cwd: mirror }) : undefined;
      const after = newPath && newPath !== '/dev/null' ? await readFile(join(tree, newPath), 'utf8') : null;
      files.push({ path, ...(before !== undefined ? { before } : {}), after });
    }
    return files;
  } finally {
    await runGit(['worktree', 'remove', '--force', '--', tree], { cwd: mirror }).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The files of a judged fix's chosen candidate, taken from the repository's mirror in the fix
 * cache (the validate stage fetched its commit); none when no candidate was chosen.
 */
export async function chosenFiles(cacheDir: string, judged: FixResult): Promise<StoredFile[]> {
  const chosen = judged.chosen;
  return chosen ? filesOfDiff(mirrorPath(cacheDir, judged.repo), judged.commit, chosen.diff) : [];
}
