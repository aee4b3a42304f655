import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logger } from '../log.js';
import { sweepRunCgroups } from './cgroup.js';
import { pidAlive } from '../util/pid-alive.js';

const log = logger.child({ component: 'sandbox-sweep' });

/** Temporary folders of runs carry their process id: `globallm-<kind>-<pid>-<random>`. */
const LEFTOVER = /^globallm-(validate|sbx|egress|env)-(\d+)-/;


/**
 * Removes what crashed runs left behind: their temporary folders (copies of worktrees, results,
 * generated sandbox files) and empty run cgroups, when the process that made them is gone.
 */
export async function sweepLeftovers(dir = tmpdir()): Promise<{ folders: number; cgroups: number }> {
  let folders = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = LEFTOVER.exec(name);
    if (!m || pidAlive(Number(m[2]))) continue;
    const p = path.join(dir, name);
    if (!(await stat(p).catch(() => null))?.isDirectory()) continue;
    await rm(p, { recursive: true, force: true });
    folders++;
  }
  const cgroups = await sweepRunCgroups().catch(() => 0);
  if (folders + cgroups > 0) log.info({ folders, cgroups }, 'swept what crashed runs left behind');
  return { folders, cgroups };
}
