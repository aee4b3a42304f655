import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SandboxViolation } from '../../errors.js';
import { copyTree } from '../../util/copy-tree.js';

const execFileP = promisify(execFile);

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
 * Applies a patch with `git apply` in `tree`. The copied repository's config is untrusted, so
 * system/global config is off and fsmonitor (which can run a command) is disabled. Returns
 * null on success or git's message.
 */
export async function gitApply(tree: string, patchFile: string): Promise<string | null> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tree, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C' };
  const git = ['-c', 'core.fsmonitor=false', '-c', 'safe.directory=*', 'apply', '--whitespace=nowarn'];
  try {
    // All or nothing: without --reject, git apply leaves the tree untouched when any hunk fails.
    await execFileP('git', [...git, '--', patchFile], { cwd: tree, env, timeout: 60_000 });
    return null;
  } catch (err) {
    const stderr = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).trim() : '';
    return stderr || (err instanceof Error ? err.message : String(err));
  }
}
