// Where a worker's children's CPU went, by kind: sandbox runs (started as `bwrap`, or `prlimit` in
// front of it, or a `sh` that execs them), its command helper (a `node` child that lives as long
// as the worker and starts git, `cp`, `du`, `chown`), and any other command it ran itself. Sampling the worker's children from
// /proc keeps, per child, the largest CPU its process tree was seen to use. The helper's is exact
// (it is still alive at the last sample, its commands reaped into it); a sandbox run's or another
// command's last ticks after its final sample are missed, and a command that lives less than one
// sampling period is missed whole, so those are lower bounds. The kernel's own count for the
// worker's reaped children cannot tell these apart, and misses sandbox processes that the sandbox
// kills rather than reaps.
import { readFileSync } from 'node:fs';
import { TICKS_PER_S, childrenByParent, stat, treeTicks } from '../scale/cpu.js';

const SANDBOX_COMMANDS = new Set(['bwrap', 'prlimit']);

export type ChildKind = 'sandbox' | 'helper' | 'other';

function kindOf(pid: number, comm: string): ChildKind {
  if (SANDBOX_COMMANDS.has(comm)) return 'sandbox';
  try {
    if (comm === 'node' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('helper-process')) return 'helper';
  } catch {
    // gone since it was listed
  }
  return 'other';
}

export interface ChildrenCpu {
  /** CPU seconds by kind. */
  seconds: Record<ChildKind, number>;
  /** Of the helper's, what its own process used (the rest is the commands it ran). */
  helperSelfSeconds: number;
  /** How many children of each command were seen. */
  runs: Record<string, number>;
}

export class ChildrenCpuSampler {
  private readonly seen = new Map<string, { kind: ChildKind; comm: string; base: number; ticks: number; baseSelf: number; self: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly workerPid: number, private readonly everyMs = 100) {}

  /** Children alive now count from here on: what they used before is their base. */
  start(): void {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.everyMs);
  }

  /** Takes a last sample and stops. */
  stop(): ChildrenCpu {
    this.sample(false);
    clearInterval(this.timer);
    const seconds: Record<ChildKind, number> = { sandbox: 0, helper: 0, other: 0 };
    const runs: Record<string, number> = {};
    let helperSelfSeconds = 0;
    for (const { kind, comm, base, ticks, baseSelf, self } of this.seen.values()) {
      seconds[kind] += (ticks - base) / TICKS_PER_S;
      if (kind === 'helper') helperSelfSeconds += (self - baseSelf) / TICKS_PER_S;
      if (base === 0) runs[comm] = (runs[comm] ?? 0) + 1;
    }
    return { seconds, helperSelfSeconds, runs };
  }

  private sample(baseline: boolean): void {
    const children = childrenByParent();
    for (const pid of children.get(this.workerPid) ?? []) {
      const s = stat(pid);
      if (!s) continue;
      // The pid with its start time: a pid the kernel reuses is another child.
      const key = `${pid}:${s.start}`;
      const known = this.seen.get(key);
      const ticks = treeTicks(pid, children);
      // A sandbox run in a cgroup starts as `sh`, which writes its pid into the cgroup and execs bwrap.
      if (known) Object.assign(known, { ticks: Math.max(known.ticks, ticks), self: Math.max(known.self, s.self), ...(known.kind === 'other' && SANDBOX_COMMANDS.has(s.comm) ? { kind: 'sandbox', comm: s.comm } : {}) });
      else this.seen.set(key, { kind: kindOf(pid, s.comm), comm: s.comm, base: baseline ? ticks : 0, ticks, baseSelf: baseline ? s.self : 0, self: s.self });
    }
  }
}
