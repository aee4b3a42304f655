import { readFile, readdir } from 'node:fs/promises';

async function childrenOf(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const s of text.trim().split(/\s+/)) if (s) out.push(Number(s));
    } catch {
      // the task ended while we looked
    }
  }
  return out;
}

/** Every live descendant of `pid` (not `pid` itself), read from /proc. */
export async function descendants(pid: number): Promise<number[]> {
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const c of await childrenOf(p)) {
      if (!seen.has(c)) {
        seen.add(c);
        queue.push(c);
      }
    }
  }
  return [...seen];
}

/** True while the pid exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs a detached child's process group and every descendant found in /proc, then waits
 * (bounded) until none is left alive. Killing the sandbox's pid 1 also makes the kernel kill
 * everything in its pid namespace, including processes that left the session.
 */
export async function killTree(rootPid: number, waitMs = 5000): Promise<number[]> {
  const pids = await descendants(rootPid);
  killQuietly(-rootPid);
  killQuietly(rootPid);
  for (const p of pids) killQuietly(p);
  const deadline = Date.now() + waitMs;
  let alive = pids;
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    const next: number[] = [];
    for (const p of alive) if (await isAlive(p)) next.push(p);
    alive = next;
  }
  return alive;
}
