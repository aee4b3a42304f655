import { readFileSync } from 'node:fs';
import { pidAlive } from '../util/pid-alive.js';

/** The command line of a live process, or '' (Linux /proc). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid: number, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!pidAlive(pid)) return;
  try { process.kill(pid, signal); } catch { return; }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    while (pidAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  }
}
