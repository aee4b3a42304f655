import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { execCommand } from './spawn/commands.js';

/**
 * Copies a checkout into `dest` (which must not exist): files with their modes, symbolic links
 * as links (never followed), untracked files and .git included, a top-level `node_modules`
 * left out (a prepared environment is mounted there instead). GNU cp does the copying —
 * sharing blocks where the filesystem can (reflink) — at a small part of the cost of a copy
 * made file by file from JavaScript.
 */
export async function copyTree(src: string, dest: string): Promise<void> {
  const root = path.resolve(src);
  const st = await lstat(root);
  if (!st.isDirectory()) throw new Error(`not a directory: ${src}`);
  await mkdir(dest);
  await chmod(dest, st.mode & 0o7777);
  const entries = (await readdir(root)).filter((name) => name !== 'node_modules').map((name) => path.join(root, name));
  if (entries.length === 0) return;
  try {
    await execCommand('cp', ['-R', '-P', '--preserve=mode', '--reflink=auto', '-t', dest, '--', ...entries], { timeoutMs: 600_000, maxBuffer: 4 * 1024 * 1024 });
  } catch (err) {
    const stderr = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).trim() : '';
    throw new Error(`copying ${src} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`, { cause: err });
  }
}
