import { chmod, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SandboxViolation } from '../../errors.js';
import { GitError, runGit } from '../../git/run.js';
import { copyTree } from '../../util/copy-tree.js';

/** A throwaway directory holding copies of a checkout; `dispose` removes it all. */
export class Workspace {
  private constructor(readonly root: string) {}

  static async create(): Promise<Workspace> {
    const root = await mkdtemp(path.join(tmpdir(), `globallm-validate-${process.pid}-`));
    // Traversable (not listable) so the sandbox's unprivileged host uid can reach the copies.
    await chmod(root, 0o711);
    return new Workspace(root);
  }

  /**
   * A full copy (untracked files and .git included; symlinks copied as links, never followed),
   * except a top-level node_modules: the prepared environment is mounted there instead.
   */
  async copy(src: string, name: string): Promise<string> {
    const dest = path.join(this.root, name);
    await copyTree(src, dest);
    return dest;
  }

  /** A folder of its own inside the workspace. */
  async dir(name: string, mode: number): Promise<string> {
    const p = path.join(this.root, name);
    await mkdir(p, { mode });
    await chmod(p, mode);
    return p;
  }

  async writeFileIn(dir: string, name: string, text: string): Promise<string> {
    const p = path.join(dir, name);
    await writeFile(p, text, { mode: 0o644 });
    return p;
  }

  async writeFile(name: string, text: string): Promise<string> {
    const p = path.join(this.root, name);
    await writeFile(p, text, { mode: 0o600 });
    return p;
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Refuses a patch path whose existing components in `tree` include a symlink. */
export async function checkNoSymlinkOnPath(tree: string, rel: string): Promise<void> {
  const parts = rel.split('/');
  let cur = tree;
  for (const part of parts) {
    cur = path.join(cur, part);
    try {
      if ((await lstat(cur)).isSymbolicLink()) throw new SandboxViolation(`patch path goes through a symlink: ${rel}`);
    } catch (err) {
      if (err instanceof SandboxViolation) throw err;
      return; // does not exist yet: nothing further down can be a link
    }
  }
}

/**
 * Applies a patch with `git apply` in `tree`. The copied repository's config is untrusted, which
 * the git runner's clean environment and safety settings keep out. Returns null on success or
 * git's message.
 */
export async function gitApply(tree: string, patchFile: string): Promise<string | null> {
  try {
    // All or nothing: without --reject, git apply leaves the tree untouched when any hunk fails.
    await runGit(['apply', '--whitespace=nowarn', '--', patchFile], { cwd: tree, timeoutMs: 60_000 });
    return null;
  } catch (err) {
    if (err instanceof GitError) return err.stderr.trim() || err.message;
    return err instanceof Error ? err.message : String(err);
  }
}
