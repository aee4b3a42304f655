import { readdir, readFile } from 'node:fs/promises';

/** Host pids whose command line contains `marker` (as a whole argument). */
export async function pidsWithArg(marker: string): Promise<number[]> {
  const out: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = (await readFile(`/proc/${e}/cmdline`, 'utf8')).split('\0');
      const stat = await readFile(`/proc/${e}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmd.includes(marker)) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

/** A number unlikely to appear in any other command line, used as a sleep length marker. */
export function uniqueSeconds(): string {
  return String(900000 + Math.floor(Math.random() * 90000));
}
