import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { logger } from '../log.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { copyTree } from '../util/copy-tree.js';
import { execCommand } from '../util/spawn/commands.js';
import type { Mount } from '../sandbox/schema.js';
import type { EnvironmentCache } from './cache.js';
import { ENV_ROOT, planEnvironment } from './plan.js';
import { PreparedEnvironment, type EnvironmentPlan } from './schema.js';

const log = logger.child({ component: 'environment' });

/** Bumped when the install table changes, so old entries are not reused. */
const PLAN_VERSION = 3;
const TAIL_LINES = 25;

export interface PrepareOptions {
  /** A checkout at the base commit (never modified). */
  tree: string;
  /** The repository's name, part of the cache key. */
  repo: string;
  sandbox: Sandbox;
  cache: EnvironmentCache;
  timeoutMs?: number;
  memoryMb?: number;
  signal?: AbortSignal;
}

export type PrepareOutcome = { ok: true; env: PreparedEnvironment } | { ok: false; reason: string; plan: EnvironmentPlan | null; durationMs: number };

async function fileHash(root: string, rel: string): Promise<string> {
  try {
    const p = path.join(root, rel);
    if (!(await lstat(p)).isFile()) return 'not-a-file';
    return createHash('sha256').update(await readFile(p)).digest('hex');
  } catch {
    return 'absent';
  }
}

/** The cache key: repository, the bytes of every manifest and lockfile, the install steps and the toolchains used. */
export async function environmentKey(tree: string, repo: string, plan: EnvironmentPlan): Promise<string> {
  const files: Record<string, string> = {};
  for (const f of plan.keyFiles) files[f] = await fileHash(tree, f);
  const material = JSON.stringify({ v: PLAN_VERSION, repo, ecosystem: plan.ecosystem, manager: plan.manager, steps: plan.steps, files, tools: plan.toolchain.map((t) => [t.tool, t.available]) });
  return `${plan.ecosystem}-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/** Mounts that put a prepared environment in place for a test run of any worktree. */
export function environmentMounts(env: PreparedEnvironment): Mount[] {
  if (env.plan.layout === 'node_modules') return [{ source: path.join(env.dir, 'node_modules'), target: '/workspace/node_modules', writable: false }];
  if (env.plan.layout === 'env-root') return [{ source: env.dir, target: ENV_ROOT, writable: false }];
  return [];
}

/**
 * Folders tools write inside node_modules while tests run (vite's bundled config in .vite-temp,
 * vitest's and vite's caches in .vite, nyc's and babel's in .cache). They are empty in the
 * prepared environment, and each run gets fresh writable ones over them.
 */
const NODE_SCRATCH_DIRS = ['.vite-temp', '.vite', '.cache'];

/**
 * Writable folders for one run, made under `dir` (hand it to the sandbox's prepareWorktree):
 * fresh empty ones over the node_modules folders tools write to, and a private copy of each of
 * the plan's seeds (a build cache), so no run can leave anything behind for the next.
 */
export async function runMounts(env: PreparedEnvironment, dir: string): Promise<Mount[]> {
  const mounts: Mount[] = [];
  if (env.plan.layout === 'node_modules') {
    for (const name of NODE_SCRATCH_DIRS) {
      // Environments prepared before these folders existed have no mount point for them.
      if (!(await lstat(path.join(env.dir, 'node_modules', name)).then((s) => s.isDirectory(), () => false))) continue;
      const source = path.join(dir, name);
      await mkdir(source, { recursive: true });
      mounts.push({ source, target: `/workspace/node_modules/${name}`, writable: true });
    }
  }
  for (const seed of env.plan.seeds) {
    const source = path.join(dir, `seed-${seed.from}`);
    await mkdir(source, { recursive: true });
    const from = path.join(env.dir, seed.from);
    // Copy-on-write where the filesystem allows.
    if (await lstat(from).then((s) => s.isDirectory(), () => false)) await execCommand('cp', ['-a', '--reflink=auto', '--', `${from}/.`, source], { timeoutMs: 300_000 });
    mounts.push({ source, target: seed.to, writable: true });
  }
  return mounts;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-TAIL_LINES).join('\n');
}

function notesOf(plan: EnvironmentPlan): string[] {
  return plan.toolchain.filter((t) => t.mismatch).map((t) => (t.available === null
    ? `${t.tool} is not available on this machine${t.requested ? ` (the repository asks for ${t.requested} in ${String(t.source)})` : ''}`
    : `the repository asks for ${t.tool} ${String(t.requested)} (${String(t.source)}); this machine has ${t.available}, which was used`));
}

function mavenSettings(): string {
  return `<settings><proxies><proxy><id>egress</id><active>true</active><protocol>https</protocol><host>127.0.0.1</host><port>3128</port></proxy></proxies></settings>\n`;
}

/**
 * Installs a repository's dependencies inside the sandbox — unprivileged, without secrets, its
 * only network the egress proxy to the package registries — into a cache entry keyed by the
 * repository, its manifests and lockfiles, and the toolchain. A second call with the same key
 * reuses the entry. Never throws for the repository's own failures: they come back as reasons.
 */
export async function prepareEnvironment(opts: PrepareOptions): Promise<PrepareOutcome> {
  const start = performance.now();
  const plan = await planEnvironment(opts.tree);
  const key = await environmentKey(opts.tree, opts.repo, plan);
  const done = (dir: string, cacheHit: boolean): PrepareOutcome => ({
    ok: true, env: PreparedEnvironment.parse({ key, plan, dir, cacheHit, durationMs: performance.now() - start, notes: notesOf(plan) }),
  });
  const hit = await opts.cache.lookup(key);
  if (hit) return done(hit, true);
  if (plan.steps.length === 0) {
    const staged = await opts.cache.stage(key);
    return done(await opts.cache.commit(key, opts.repo, staged), false);
  }
  const missing = plan.toolchain.find((t) => t.available === null);
  if (missing) return { ok: false, reason: `cannot install: ${missing.tool} is not available on this machine`, plan, durationMs: performance.now() - start };

  const staged = await opts.cache.stage(key);
  const scratch = await mkdtemp(path.join(tmpdir(), `globallm-env-${process.pid}-`));
  try {
    await chmod(scratch, 0o711);
    const tree = path.join(scratch, 'tree');
    await copyTree(opts.tree, tree);
    if (plan.manager === 'maven') await writeFile(path.join(staged, 'settings.xml'), mavenSettings());
    await opts.sandbox.prepareWorktree(tree, staged);
    for (const step of plan.steps) {
      opts.signal?.throwIfAborted();
      const install = (argv: string[]) => opts.sandbox.run({
        cwd: tree, argv, env: step.env, network: true,
        mounts: [{ source: staged, target: ENV_ROOT, writable: true }],
        timeoutMs: opts.timeoutMs ?? 900_000, memoryMb: opts.memoryMb ?? 4096, cpuSeconds: 3600,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      let tried = step.argv;
      let r = await install(tried);
      if (r.exitCode !== 0 && !r.timedOut && !r.cancelled && step.fallback) {
        log.warn({ repo: opts.repo, failed: tried.join(' '), next: step.fallback.join(' ') }, 'install step failed; trying its fallback');
        tried = step.fallback;
        r = await install(tried);
      }
      if (r.exitCode !== 0 && step.optional && !r.cancelled) {
        log.warn({ repo: opts.repo, step: tried.join(' '), exitCode: r.exitCode, timedOut: r.timedOut }, 'optional install step failed; the environment is used without it');
        continue;
      }
      if (r.exitCode !== 0) {
        const why = r.timedOut ? `timed out after ${String(opts.timeoutMs ?? 900_000)} ms` : `exit ${String(r.exitCode)}`;
        await opts.cache.discard(staged);
        return { ok: false, reason: `install failed (${tried.join(' ')}: ${why}):\n${tail(`${r.stdout}\n${r.stderr}`)}`, plan, durationMs: performance.now() - start };
      }
    }
    if (plan.layout === 'node_modules') {
      const installed = path.join(tree, 'node_modules');
      if (await lstat(installed).then(() => true, () => false)) await rename(installed, path.join(staged, 'node_modules'));
      else await mkdir(path.join(staged, 'node_modules'));
      for (const name of NODE_SCRATCH_DIRS) await rm(path.join(staged, 'node_modules', name), { recursive: true, force: true }).then(() => mkdir(path.join(staged, 'node_modules', name)));
    }
    const dir = await opts.cache.commit(key, opts.repo, staged);
    log.info({ repo: opts.repo, key, ms: Math.round(performance.now() - start) }, 'environment prepared');
    return done(dir, false);
  } catch (err) {
    await opts.cache.discard(staged);
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
