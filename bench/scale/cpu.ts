// CPU seconds of a process (and of its children, living and reaped) from /proc, Linux only.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_S = 100;

interface Stat { ppid: number; self: number; reaped: number }

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
    const at = (i: number): number => f[i] ?? 0;
    return { ppid: at(1), self: at(11) + at(12), reaped: at(13) + at(14) };
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by `pid` and every process below it (PostgreSQL's backends, say). */
export function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const p = Number(entry);
    if (!Number.isInteger(p)) continue;
    const s = stat(p);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  const walk = (p: number): number => {
    const s = stat(p);
    if (!s) return 0;
    return s.self + s.reaped + (children.get(p) ?? []).reduce((sum, c) => sum + walk(c), 0);
  };
  return walk(pid) / TICKS_PER_S;
}
