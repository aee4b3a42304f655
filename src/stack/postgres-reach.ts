import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { ServiceUnavailable } from '../errors.js';
import { logger } from '../log.js';

const log = logger.child({ component: 'postgres' });

/** The account PostgreSQL runs as when started by root (it refuses to run as root itself). */
export const POSTGRES_USER = 'postgres';

/** `dir` and every folder above it, outermost first. */
export function foldersAbove(dir: string): string[] {
  const out: string[] = [];
  let current = resolve(dir);
  for (;;) {
    out.unshift(current);
    const parent = dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}

/** Whether `user` may pass through (search) `dir`: asked of the kernel, so modes and ACLs both count. */
export function userCanEnter(user: string, dir: string): boolean {
  return spawnSync('runuser', ['-u', user, '--', 'test', '-x', dir], { stdio: 'ignore' }).status === 0;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach its binaries (inside
 * node_modules) and its data (inside the state directory) through every folder above them.
 * A folder it cannot enter (e.g. `/root`, mode 0700) gets one ACL entry, `user:postgres:--x`:
 * passage only, no listing or reading. Each granted folder is logged. Returns them.
 */
export function letPostgresThrough(targets: string[], user = POSTGRES_USER): string[] {
  const folders = [...new Set(targets.flatMap(foldersAbove))];
  const blocked = folders.filter((dir) => !userCanEnter(user, dir));
  for (const dir of blocked) grantPassage(user, dir);
  if (blocked.length > 0) log.warn({ user, folders: blocked }, 'granted the PostgreSQL user passage (ACL u:postgres:--x) through folders it could not enter');
  return blocked;
}

function grantPassage(user: string, dir: string): void {
  const r = spawnSync('setfacl', ['-m', `u:${user}:x`, dir], { encoding: 'utf8' });
  if (r.status === 0 && userCanEnter(user, dir)) return;
  const why = r.error ? 'setfacl is not installed (Debian package `acl`; `npm run setup` installs it)' : (r.stderr || 'the ACL did not take effect').trim();
  throw new ServiceUnavailable(`PostgreSQL runs as the '${user}' user, which cannot enter ${dir}, and granting it passage failed: ${why}; alternatively set DATABASE_URL, or clone the project and GLOBALLM_STATE_DIR into folders that user can reach`);
}
