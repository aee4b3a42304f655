// CPU seconds of a process (and of its children, living and reaped) from /proc, Linux only.
import { readFileSync, readdirSync } from 'node:fs';

export const TICKS_PER_S = 100;

export interface Stat { ppid: number; self: number; reaped: number; comm: string; /** Start time in ticks since boot. */ start: number }

/** One process's parent and CPU ticks (its own, and its reaped children's), or undefined once it is gone. */
export function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
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

