import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { median as medianOf } from '../../src/scoring/normalize.js';

/** A task folder in the SWE-bench layout (see the shared real-tasks README). */
export const TaskYaml = z.object({
  instance_id: z.string().min(1),
  repo: z.string().min(1),
  source: z.string().min(1),
  ref: z.string().min(1),
  base_commit: z.string().regex(/^[0-9a-f]{40}$/),
  test_cmd: z.string().min(1),
}).loose();

export const TestsJson = z.object({ FAIL_TO_PASS: z.array(z.string()), PASS_TO_PASS: z.array(z.string()) });

export interface RealTask {
  id: string;
  dir: string;
  meta: z.infer<typeof TaskYaml>;
  tests: z.infer<typeof TestsJson>;
  problem: string;
  gold: string;
  test: string;
  /** The source (git bundle or repository) resolved against the task folder. */
  source: string;
}

export async function loadTasks(dir: string, only?: string): Promise<RealTask[]> {
  const out: RealTask[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (only && name !== only) continue;
    const d = path.join(dir, name);
    const read = (f: string): Promise<string> => readFile(path.join(d, f), 'utf8');
    let meta: z.infer<typeof TaskYaml>;
    try {
      meta = TaskYaml.parse(parseYaml(await read('task.yaml')));
    } catch (err) {
      throw new Error(`task ${name}: task.yaml is not in the expected layout: ${err instanceof Error ? err.message : String(err)}`);
    }
    out.push({
      id: meta.instance_id, dir: d, meta,
      tests: TestsJson.parse(JSON.parse(await read('tests.json'))),
      problem: await read('problem_statement.md'), gold: await read('gold.patch'), test: await read('test.patch'),
      source: path.resolve(d, meta.source),
    });
  }
  if (out.length === 0) throw new Error(`no task folders under ${dir}${only ? ` named ${only}` : ''}`);
  return out;
}

/** Files a unified diff changes (its `+++ b/` side, or `--- a/` for deletions). */
export function patchFiles(patch: string): string[] {
  const files = new Set<string>();
  for (const m of patch.matchAll(/^diff --git a\/(\S+) b\/(\S+)$/gm)) files.add(m[2]!);
  return [...files];
}

/** The median of the figures, NaN (printed as such) when there are none. */
export function median(xs: number[]): number {
  return medianOf(xs) ?? NaN;
}
