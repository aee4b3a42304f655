import { chown, mkdir, readFile, readdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../log.js';
import { pidAlive } from '../util/pid-alive.js';

const log = logger.child({ component: 'sandbox-cgroup' });

/** Run cgroups are named `globallm-sbx-<pid>-<n>` so a later start can sweep a crashed process's leftovers. */
const PREFIX = 'globallm-sbx-';

export type CgroupKind = 'cgroup-v2' | 'cgroup-v1';

interface Layout {
  kind: CgroupKind;
  /** Parent directories in which run groups are made: one (v2) or one per controller (v1). */
  memory: string;
  pids: string;
}

async function readable(p: string): Promise<string | null> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

/** Finds a writable cgroup hierarchy with the memory and pids controllers, or null. */
export async function findCgroupLayout(root = '/sys/fs/cgroup'): Promise<Layout | null> {
  const v2 = await readable(path.join(root, 'cgroup.controllers'));
  if (v2 !== null) {
    const subtree = (await readable(path.join(root, 'cgroup.subtree_control'))) ?? '';
    if (/\bmemory\b/.test(subtree) && /\bpids\b/.test(subtree)) return { kind: 'cgroup-v2', memory: root, pids: root };
    return null;
  }
  const mem = path.join(root, 'memory');
  const pids = path.join(root, 'pids');
  if ((await readable(path.join(mem, 'memory.limit_in_bytes'))) !== null && (await readable(path.join(pids, 'cgroup.procs'))) !== null) {
    return { kind: 'cgroup-v1', memory: mem, pids };
  }
  return null;
}

/** One run's cgroup(s): the processes it must join, how to tell an OOM kill, and removal. */
export interface RunCgroup {
  kind: CgroupKind;
  /** `cgroup.procs` files the run's first process writes its own pid into. */
  procsFiles: string[];
  /** Every pid still in the group. */
  pids(): Promise<number[]>;
  /** True when the kernel's OOM killer acted inside the group. */
  oomKilled(): Promise<boolean>;
  remove(): Promise<void>;
}

let counter = 0;

/**
 * Makes a cgroup holding a whole run — every process it forks — to `memoryMb` of memory and
 * `maxProcesses` tasks, writable (for joining) by the unprivileged host uid. Null when this
 * machine offers no writable hierarchy; the caller then falls back to per-process rlimits.
 */
export async function createRunCgroup(opts: { memoryMb: number; maxProcesses: number; uid: number; gid: number; root?: string }): Promise<RunCgroup | null> {
  const layout = await findCgroupLayout(opts.root);
  if (!layout) return null;
  const name = `${PREFIX}${process.pid}-${++counter}`;
  const dirs = layout.kind === 'cgroup-v2' ? [path.join(layout.memory, name)] : [path.join(layout.memory, name), path.join(layout.pids, name)];
  try {
    for (const d of dirs) await mkdir(d);
    const bytes = String(opts.memoryMb * 1024 * 1024);
    if (layout.kind === 'cgroup-v2') {
      await writeFile(path.join(dirs[0]!, 'memory.max'), bytes);
      await writeFile(path.join(dirs[0]!, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(path.join(dirs[0]!, 'pids.max'), String(opts.maxProcesses));
    } else {
      await writeFile(path.join(dirs[0]!, 'memory.limit_in_bytes'), bytes);
      await writeFile(path.join(dirs[0]!, 'memory.memsw.limit_in_bytes'), bytes).catch(() => undefined);
      await writeFile(path.join(dirs[1]!, 'pids.max'), String(opts.maxProcesses));
    }
    const procsFiles = dirs.map((d) => path.join(d, 'cgroup.procs'));
    for (const f of procsFiles) await chown(f, opts.uid, opts.gid);
  } catch (err) {
    log.warn({ err: String(err) }, 'cannot make a run cgroup; falling back to rlimits');
    for (const d of dirs) await rmdir(d).catch(() => undefined);
    return null;
  }
  const procsFiles = dirs.map((d) => path.join(d, 'cgroup.procs'));
  return {
    kind: layout.kind,
    procsFiles,
    async pids() {
      const text = (await readable(procsFiles[0]!)) ?? '';
      return text.split('\n').filter(Boolean).map(Number);
    },
    async oomKilled() {
      if (layout.kind === 'cgroup-v2') return /\boom_kill [1-9]/.test((await readable(path.join(dirs[0]!, 'memory.events'))) ?? '');
      const failcnt = Number((await readable(path.join(dirs[0]!, 'memory.failcnt'))) ?? '0');
      const oom = (await readable(path.join(dirs[0]!, 'memory.oom_control'))) ?? '';
      return /\boom_kill [1-9]/.test(oom) || (failcnt > 0 && /under_oom 1/.test(oom));
    },
    async remove() {
      for (const d of dirs) {
        for (let i = 0; i < 20; i++) {
          try {
            await rmdir(d);
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }
    },
  };
}


/** Removes empty run cgroups left by processes that died without cleaning up. */
export async function sweepRunCgroups(root = '/sys/fs/cgroup'): Promise<number> {
  const layout = await findCgroupLayout(root);
  if (!layout) return 0;
  let removed = 0;
  for (const parent of new Set([layout.memory, layout.pids])) {
    let entries: string[];
    try {
      entries = await readdir(parent);
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(e);
      if (!m || pidAlive(Number(m[1]))) continue;
      const dir = path.join(parent, e);
      try {
        if (!(await stat(dir)).isDirectory()) continue;
        await rmdir(dir);
        removed++;
      } catch {
        // still holds processes: left for the next sweep
      }
    }
  }
  return removed;
}
