import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { logger } from '../../log.js';
import { isSafeBranch, OID } from '../../git/refs.js';
import { runGit } from '../../git/run.js';
import { resolveSource, type RepoSource } from './source.js';

const log = logger.child({ component: 'fix-prepare' });

export interface PrepareOptions {
  /** Root of the cache: one bare mirror per repository, worktrees, repository models. */
  cacheDir: string;
  /** owner/name: names the mirror. */
  repo: string;
  source: RepoSource;
  /** The branch whose head the fix starts from. */
  baseBranch: string;
  /** Check out this commit (already fetched with the branch) instead of the branch head. */
  atCommit?: string;
  /** A label for the worktree directory (the issue number). */
  label: string;
  signal?: AbortSignal | undefined;
}

export interface PreparedWorktree {
  /** The checkout at `commit`, ours to change and remove. */
  worktree: string;
  commit: string;
  mirror: string;
  /** 'clone' when the mirror was created now, 'fetch' when an existing one was updated. */
  action: 'clone' | 'fetch';
  dispose(): Promise<void>;
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9_.-]{1,100}$/;

/** The cache directory name for a repository: safe characters only, case folded. */
export function repoSlug(repo: string): string {
  if (!REPO.test(repo) || repo.endsWith('/.') || repo.endsWith('/..')) throw new UsageError(`malformed repository "${repo}": expected owner/name`);
  return repo.toLowerCase().replace('/', '__');
}

/** Where a repository's bare mirror lives in the cache. */
export function mirrorPath(cacheDir: string, repo: string): string {
  return path.join(path.resolve(cacheDir), 'mirrors', `${repoSlug(repo)}.git`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Per-mirror queue: fetches and worktree changes on one mirror never overlap within a process. */
const locks = new Map<string, Promise<unknown>>();
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prior = locks.get(key) ?? Promise.resolve();
  const next = prior.catch(() => undefined).then(fn);
  locks.set(key, next);
  try {
    return await next;
  } finally {
    if (locks.get(key) === next) locks.delete(key);
  }
}

/**
 * Brings the repository's mirror up to date with the base branch (created by the first issue,
 * fetched by every later one) and adds a detached worktree at the branch head. The source URL is
 * given to git on the command line each time, so no URL (and no credential) lands in any config.
 */
export async function prepareWorktree(options: PrepareOptions): Promise<PreparedWorktree> {
  if (!isSafeBranch(options.baseBranch)) throw new UsageError(`unsafe base branch name: ${JSON.stringify(options.baseBranch)}`);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(options.label)) throw new UsageError('worktree label must be short and alphanumeric');
  const source = await resolveSource(options.source);
  const mirror = mirrorPath(options.cacheDir, options.repo);
  const signal = options.signal;
  return withLock(mirror, async () => {
    await mkdir(path.dirname(mirror), { recursive: true });
    const fresh = !(await exists(path.join(mirror, 'HEAD')));
    if (fresh) {
      await rm(mirror, { recursive: true, force: true });
      await mkdir(mirror, { recursive: true });
      await runGit(['init', '--bare', '--quiet'], { cwd: mirror, signal });
    }
    const ref = `refs/heads/${options.baseBranch}`;
    log.info({ repo: options.repo, source: source.display, action: fresh ? 'clone' : 'fetch' }, 'updating repository mirror');
    await runGit(['fetch', '--quiet', '--force', '--no-tags', '--', source.location, `+${ref}:${ref}`], {
      cwd: mirror, signal, allowProtocols: source.protocols, timeoutMs: 900_000,
    });
    const wanted = options.atCommit !== undefined && OID.test(options.atCommit) ? `${options.atCommit}^{commit}` : `${ref}^{commit}`;
    const commit = (await runGit(['rev-parse', '--verify', '--end-of-options', wanted], { cwd: mirror, signal })).trim();
    if (!OID.test(commit)) throw new Error(`unexpected commit id from git: ${commit.slice(0, 80)}`);
    const worktree = path.join(path.resolve(options.cacheDir), 'worktrees', `${repoSlug(options.repo)}-${options.label}-${randomBytes(4).toString('hex')}`);
    await mkdir(path.dirname(worktree), { recursive: true });
    await runGit(['worktree', 'add', '--quiet', '--detach', '--', worktree, commit], { cwd: mirror, signal });
    let disposed = false;
    return {
      worktree, commit, mirror, action: fresh ? 'clone' : 'fetch',
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        await withLock(mirror, async () => {
          await runGit(['worktree', 'remove', '--force', '--', worktree], { cwd: mirror }).catch(async (err: unknown) => {
            log.warn({ err, worktree }, 'git worktree remove failed; deleting the directory');
            await rm(worktree, { recursive: true, force: true });
            await runGit(['worktree', 'prune'], { cwd: mirror }).catch(() => undefined);
          });
        });
      },
    };
  });
}
