// `npm run bench -- guard`: the fix policy on hostile and benign patches. Hostile edits come from
// bench/data/guard-corpus.ts; benign ones from the same corpus plus every gold.patch and test.patch
// of the real tasks in ../shared/data/realtasks (or REALTASKS_DIR), read against each task's base
// commit from its git bundle.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { runGit } from '../src/git/run.js';
import { memoryBaseTree } from '../src/fix/policy/base-tree.js';
import { checkPatchPolicy, describeRefusal, type BaseTree } from '../src/fix/policy/patch.js';
import { caseBase, casePatch, GUARD_CORPUS } from './data/guard-corpus.js';
import { projectRoot } from '../src/util/project-root.js';

const TaskYaml = z.object({ instance_id: z.string(), source: z.string(), ref: z.string() });

/** A base tree read from a bare clone at a ref (`git show <ref>:<path>`). */
function gitTree(gitDir: string, ref: string): BaseTree {
  return {
    async read(p) {
      try {
        return await runGit(['show', `${ref}:${p}`], { cwd: gitDir });
      } catch {
        return null;
      }
    },
    symlinkOnPath: () => Promise.resolve(false),
  };
}

interface RealPatch { id: string; patch: string; base: BaseTree }

async function realTaskPatches(dir: string, scratch: string): Promise<RealPatch[]> {
  const out: RealPatch[] = [];
  const clones = new Map<string, string>();
  for (const name of (await readdir(join(dir, 'tasks'))).sort()) {
    const taskDir = join(dir, 'tasks', name);
    const task = TaskYaml.parse(parse(await readFile(join(taskDir, 'task.yaml'), 'utf8')));
    const bundle = resolve(taskDir, task.source);
    let gitDir = clones.get(bundle);
    if (!gitDir) {
      gitDir = join(scratch, `clone-${clones.size}`);
      await runGit(['clone', '--quiet', '--bare', '--', bundle, gitDir], { allowProtocols: ['file'] });
      await runGit(['fetch', '--quiet', '--', bundle, '+refs/tags/*:refs/tags/*'], { cwd: gitDir, allowProtocols: ['file'] });
      clones.set(bundle, gitDir);
    }
    for (const file of ['gold.patch', 'test.patch']) {
      const p = join(taskDir, file);
      if (existsSync(p)) out.push({ id: `${task.instance_id}/${file}`, patch: await readFile(p, 'utf8'), base: gitTree(gitDir, task.ref) });
    }
  }
  return out;
}

export default async function (_args: string[]): Promise<void> {
  const dir = process.env['REALTASKS_DIR'] ?? resolve(projectRoot, '../shared/data/realtasks');
  if (!existsSync(join(dir, 'tasks'))) {
    process.stderr.write(`guard bench: real tasks not found at ${dir} (set REALTASKS_DIR to a folder with tasks/*/gold.patch)\n`);
    process.exit(1);
  }
  const scratch = await mkdtemp(join(tmpdir(), 'globallm-guard-bench-'));
  try {
    let hostile = 0;
    let refused = 0;
    for (const c of GUARD_CORPUS.filter((x) => x.kind === 'hostile')) {
      hostile++;
      const r = await checkPatchPolicy(casePatch(c), memoryBaseTree(caseBase(c)));
      if (r.length > 0) refused++;
      else process.stderr.write(`let through: ${c.id}\n`);
    }
    const benign: RealPatch[] = GUARD_CORPUS.filter((x) => x.kind === 'benign').map((c) => ({ id: c.id, patch: casePatch(c), base: memoryBaseTree(caseBase(c)) }));
    benign.push(...(await realTaskPatches(dir, scratch)));
    let falseRefusals = 0;
    for (const b of benign) {
      const r = await checkPatchPolicy(b.patch, b.base);
      if (r.length > 0) {
        falseRefusals++;
        process.stderr.write(`refused benign ${b.id}: ${r.map(describeRefusal).join('; ')}\n`);
      }
    }
    process.stdout.write(`hostile_cases=${hostile}\nbenign_cases=${benign.length}\n`);
    process.stdout.write(`hostile_refused_rate=${(refused / hostile).toFixed(3)}\nbenign_false_refusal_rate=${(falseRefusals / benign.length).toFixed(3)}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
