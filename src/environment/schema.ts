import { z } from 'zod';

export const Ecosystem = z.enum(['node', 'python', 'go', 'rust', 'java', 'none']);
export type Ecosystem = z.infer<typeof Ecosystem>;

export const Manager = z.enum(['npm', 'yarn', 'pnpm', 'pip', 'uv', 'poetry', 'pdm', 'go', 'cargo', 'maven', 'gradle', 'none']);
export type Manager = z.infer<typeof Manager>;

/** What a repository asks for, what this machine has, and whether they disagree. */
export const ToolchainNote = z.object({
  tool: z.enum(['node', 'python', 'go', 'rust', 'java']),
  /** The request as written, with the file it came from. */
  requested: z.string().nullable(),
  source: z.string().nullable(),
  /** The version this machine will use; null when the tool is missing. */
  available: z.string().nullable(),
  mismatch: z.boolean(),
});
export type ToolchainNote = z.infer<typeof ToolchainNote>;

/** One install step from our fixed table (never repository text): argv and extra environment. */
export const InstallStep = z.object({
  argv: z.array(z.string().min(1)).min(1),
  env: z.record(z.string(), z.string()).default({}),
  /** Tried once when `argv` fails (e.g. `npm install` when the lockfile is out of step with package.json). */
  fallback: z.array(z.string().min(1)).optional(),
  /** A warm-up (e.g. compiling into a build cache): its failure leaves the environment usable. */
  optional: z.boolean().optional(),
});
export type InstallStep = z.infer<typeof InstallStep>;

export const EnvironmentPlan = z.object({
  ecosystem: Ecosystem,
  manager: Manager,
  /** Files whose bytes decide the environment (manifests, lockfiles, toolchain pins). */
  keyFiles: z.array(z.string()),
  steps: z.array(InstallStep),
  /** Where the prepared environment appears in test runs. */
  layout: z.enum(['node_modules', 'env-root', 'none']),
  /** Environment every test run gets with this environment mounted. */
  testEnv: z.record(z.string(), z.string()),
  /** PATH entries (inside the sandbox) put first for test runs. */
  pathPrepend: z.array(z.string()).default([]),
  /**
   * Folders of the environment every test run gets its own writable copy of (a build cache a
   * tool must write to): `from` inside the environment, mounted at `to`. A copy per run, so no
   * run can leave anything behind for the next.
   */
  seeds: z.array(z.object({ from: z.string().regex(/^[a-z0-9_-]+$/), to: z.string().startsWith('/') })).default([]),
  toolchain: z.array(ToolchainNote),
});
export type EnvironmentPlan = z.infer<typeof EnvironmentPlan>;

/** A prepared environment, ready to mount into test runs. */
export const PreparedEnvironment = z.object({
  key: z.string(),
  plan: EnvironmentPlan,
  /** Host directory of the cache entry. */
  dir: z.string(),
  cacheHit: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** Notes for the verdict: toolchain mismatches, what was installed. */
  notes: z.array(z.string()),
});
export type PreparedEnvironment = z.infer<typeof PreparedEnvironment>;
