// A prepared environment laid out for a run outside the sandbox, to time the same command there:
// what the sandbox mounts at a fixed path (the environment's root, a copied build cache) is
// reached at a private copy instead, with the run's variables and PATH rewritten to match.
import { execFile } from 'node:child_process';
import { mkdir, rm, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ENV_ROOT } from '../../src/environment/plan.js';
import { environmentMounts } from '../../src/environment/prepare.js';
import type { PreparedEnvironment } from '../../src/environment/schema.js';

const execFileP = promisify(execFile);

export interface BareRun {
  env: Record<string, string>;
  pathPrepend: string[];
  /** Undoes what laying the run out did (a link, a copied cache). */
  finish: () => Promise<void>;
}

const copy = async (from: string, to: string): Promise<void> => {
  await mkdir(to, { recursive: true });
  await execFileP('cp', ['-a', '--reflink=auto', '--', `${from}/.`, to]);
};

/** Pure: `value` with each mapped path (longest first, wherever it appears as a whole path) replaced by its place outside. */
export function outside(value: string, map: ReadonlyMap<string, string>): string {
  const keys = [...map.keys()].sort((a, b) => b.length - a.length);
  if (keys.length === 0) return value;
  const pattern = new RegExp(`(${keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=$|[/:\\s])`, 'g');
  return value.replace(pattern, (k) => map.get(k) ?? k);
}

/**
 * Lays `env` out for one bare run of `tree` under `scratch`: node_modules is linked into the tree
 * (the sandbox leaves an empty mount point there); an environment root is copied once into
 * `scratch` (the sandbox mounts it read-only, so no run may change it), and each seed (a build
 * cache the sandbox gives every run a fresh copy of) is copied afresh for each run.
 */
export async function bareLayout(env: PreparedEnvironment, tree: string, scratch: string): Promise<() => Promise<BareRun>> {
  const root = path.join(scratch, 'env-root');
  if (env.plan.layout === 'env-root') await copy(env.dir, root);
  let runs = 0;
  return async () => {
    const n = ++runs;
    const map = new Map<string, string>(env.plan.layout === 'env-root' ? [[ENV_ROOT, root]] : []);
    const undo: (() => Promise<void>)[] = [];
    if (env.plan.layout === 'node_modules') {
      const link = path.join(tree, 'node_modules');
      await rm(link, { recursive: true, force: true });
      await symlink(environmentMounts(env)[0]?.source ?? scratch, link);
      undo.push(() => unlink(link).catch(() => undefined));
    }
    for (const seed of env.plan.seeds) {
      const own = path.join(scratch, `seed-${seed.from}-${n}`);
      await copy(path.join(env.dir, seed.from), own);
      map.set(seed.to, own);
      undo.push(() => rm(own, { recursive: true, force: true }));
    }
    return {
      env: Object.fromEntries(Object.entries(env.plan.testEnv).map(([k, v]) => [k, outside(v, map)])),
      pathPrepend: env.plan.pathPrepend.map((p) => outside(p, map)),
      finish: async () => { for (const u of undo) await u(); },
    };
  };
}
