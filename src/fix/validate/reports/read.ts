import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TestResults } from '../schema.js';

type Outcome = 'passed' | 'failed' | 'skipped';
const Line = z.object({ name: z.string().min(1).max(2000), outcome: z.enum(['passed', 'failed', 'skipped']) });

/** Report folders a build tool writes inside the worktree (Maven Surefire, Gradle). */
const TREE_REPORT_DIRS = ['target/surefire-reports', 'target/failsafe-reports', 'build/test-results/test'];
const MAX_REPORT_BYTES = 50_000_000;

/** One outcome per test id: a failure anywhere wins over a pass; a pass over a skip. */
export class ResultSet {
  private readonly map = new Map<string, Outcome>();
  add(name: string, outcome: Outcome): void {
    const n = name.trim();
    if (!n) return;
    const prev = this.map.get(n);
    if (prev === 'failed') return;
    if (prev === 'passed' && outcome === 'skipped') return;
    this.map.set(n, outcome);
  }
  get size(): number {
    return this.map.size;
  }
  results(): TestResults {
    const r: TestResults = { passed: [], failed: [], skipped: [] };
    for (const [name, o] of [...this.map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) r[o].push(name);
    return r;
  }
}

async function files(dir: string, suffix: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    const out: string[] = [];
    for (const n of names.sort()) {
      const p = path.join(dir, n);
      const st = await lstat(p);
      if (st.isFile() && n.endsWith(suffix) && st.size <= MAX_REPORT_BYTES) out.push(p);
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Reads the machine-readable results a run left: JSON lines from our runner hooks and JUnit XML
 * (pytest's in the results folder; Surefire's and Gradle's inside the worktree). Unreadable
 * lines and files are skipped; an empty set means "no report" and the caller falls back.
 */
export async function readReports(resultsDir: string, tree: string): Promise<ResultSet> {
  const set = new ResultSet();
  for (const f of await files(resultsDir, '.jsonl')) {
    for (const l of (await readFile(f, 'utf8')).split('\n')) {
      if (!l.trim()) continue;
      try {
        const p = Line.safeParse(JSON.parse(l));
        if (p.success) set.add(p.data.name, p.data.outcome);
      } catch {
        // a line cut short by a crash
      }
    }
  }
  const xmls = [...(await files(resultsDir, '.xml'))];
  for (const d of TREE_REPORT_DIRS) xmls.push(...(await files(path.join(tree, d), '.xml')));
  if (xmls.length === 0) return set;
  // The XML parser is loaded only when there is a report to read.
  const { parseJUnit } = await import('./junit.js');
  for (const f of xmls) {
    try {
      for (const c of parseJUnit(await readFile(f, 'utf8'))) set.add(c.name, c.outcome);
    } catch {
      // not JUnit
    }
  }
  return set;
}
