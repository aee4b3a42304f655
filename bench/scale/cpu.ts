// CPU seconds of a process (and of its children, living and reaped) from /proc, Linux only.
import { readFileSync, readdirSync } from 'node:fs';

export const TICKS_PER_S = 100;

export interface Stat { ppid: number; self: number; reaped: number; comm: string; /** Start time in ticks since boot. */ start: number }

/** One process's (or, from its task folder, one thread's) parent and CPU ticks (its own, and its reaped children's), or undefined once it is gone. */
export function stat(pid: number, file = `/proc/${pid}/stat`): Stat | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
    const at = (i: number): number => f[i] ?? 0;
    return { ppid: at(1), self: at(11) + at(12), reaped: at(13) + at(14), start: at(19), comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) };
  } catch {
    return undefined;
  }
}

/** Every living process's children, from /proc. */
export function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const p = Number(entry);
    if (!Number.isInteger(p)) continue;
    const s = stat(p);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  return children;
}

/** CPU ticks of `pid` and every living process below it, reaped ones included. */
export function treeTicks(pid: number, children: Map<number, number[]>): number {
  const s = stat(pid);
  if (!s) return 0;
  return s.self + s.reaped + (children.get(pid) ?? []).reduce((sum, c) => sum + treeTicks(c, children), 0);
}

/** CPU seconds used so far by `pid` and every process below it (PostgreSQL's backends, say). */
export function treeCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : treeTicks(pid, childrenByParent()) / TICKS_PER_S;
}


/** CPU ticks of a process's threads, summed by thread name (`libuv-worker`, …); its first thread is `main`. */
export function threadTicksByName(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    const s = stat(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    const name = Number(tid) === pid ? 'main' : s?.comm ?? '';
    if (s) byName.set(name, (byName.get(name) ?? 0) + s.self);
  }
  return byName;
}
