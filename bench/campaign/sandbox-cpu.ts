// How much of a worker's CPU went to sandbox runs: every sandbox run is a child of the worker
// started as `bwrap` (or `prlimit` in front of it), so sampling the worker's children from /proc
// and keeping, per run, the largest CPU its process tree was seen to use attributes that CPU to
// the sandbox. A run's last ticks after the final sample are missed, so the sandbox share is a
// lower bound and whatever is counted as the rest (orchestration) an upper bound.
import { TICKS_PER_S, childrenByParent, stat, treeTicks } from '../scale/cpu.js';

const SANDBOX_COMMANDS = new Set(['bwrap', 'prlimit']);

export class SandboxCpuSampler {
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly workerPid: number, private readonly everyMs = 100) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  /** Takes a last sample and stops; returns the sandbox runs' CPU seconds. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return [...this.seen.values()].reduce((a, t) => a + t, 0) / TICKS_PER_S;
  }

  private sample(): void {
    const children = childrenByParent();
    for (const pid of children.get(this.workerPid) ?? []) {
      const s = stat(pid);
      if (!s || !SANDBOX_COMMANDS.has(s.comm)) continue;
      // The pid with its start time: a pid the kernel reuses is another run.
      const key = `${pid}:${s.start}`;
      this.seen.set(key, Math.max(this.seen.get(key) ?? 0, treeTicks(pid, children)));
    }
  }
}
