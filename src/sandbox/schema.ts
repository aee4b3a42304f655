import { z } from 'zod';

/** Environment variable names: plain identifiers only. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'invalid environment variable name');

/** Names that look like credentials never enter a sandbox, whoever asks. */
export const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH)/i;

/** Where extra mounts may appear inside the sandbox: under the worktree or the prepared-environment root. */
const MOUNT_TARGET = /^\/(workspace|env)(\/[A-Za-z0-9._@+-]+)+$/;

/** A host directory (chosen by our code, never by a repository) shown inside the sandbox. */
export const Mount = z.object({
  source: z.string().refine((p) => p.startsWith('/'), 'mount source must be an absolute path'),
  target: z.string().regex(MOUNT_TARGET, 'mount target must be a plain path under /workspace or /env').refine((p) => !p.split('/').includes('..'), 'mount target may not contain ..'),
  /** Read-only unless set: a prepared environment is shared by every run and never changed by one. */
  writable: z.boolean().default(false),
});
export type Mount = z.infer<typeof Mount>;

/** The data part of a sandbox run request (signal and onOutput are checked separately). */
export const RunSpecData = z.object({
  /** The worktree: mounted read-write at the sandbox's working directory. */
  cwd: z.string().min(1).refine((p) => p.startsWith('/'), 'cwd must be an absolute path'),
  argv: z.array(z.string().refine((a) => !a.includes('\0'), 'argument contains NUL')).min(1),
  env: z.record(envName, z.string().refine((v) => !v.includes('\0'), 'value contains NUL')).optional(),
  /**
   * False: no network at all (a private network namespace with only loopback). True: still a
   * private namespace, whose one way out is the host's egress proxy, which lets through only
   * connections to the configured package registries.
   */
  network: z.boolean(),
  mounts: z.array(Mount).max(16).default([]),
  /** Directories put first on PATH inside the sandbox (a prepared virtualenv's bin). */
  pathPrepend: z.array(z.string().regex(MOUNT_TARGET, 'PATH entries must be under /workspace or /env')).max(8).default([]),
  /** Kill the run when the worktree grows past this many MiB (a disk quota by watchdog). */
  diskMb: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  cpuSeconds: z.number().int().positive(),
});
export type RunSpecData = z.infer<typeof RunSpecData>;

export const ViolationKind = z.enum(['network', 'filesystem', 'cpu-limit', 'memory-limit', 'file-size-limit', 'process-limit', 'disk-limit', 'timeout', 'cancelled']);
export type ViolationKind = z.infer<typeof ViolationKind>;

export const Violation = z.object({
  kind: ViolationKind,
  /** The line of output (or event) that shows it. */
  evidence: z.string(),
});
export type Violation = z.infer<typeof Violation>;

export const RunResult = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  /** True when either stream was longer than the cap and only its tail was kept. */
  truncated: z.boolean(),
  durationMs: z.number().nonnegative(),
  violations: z.array(Violation),
  /** How memory and process counts were held: a cgroup, or rlimits per process (the fallback). */
  containment: z.enum(['cgroup-v2', 'cgroup-v1', 'rlimit']).optional(),
});
export type RunResult = z.infer<typeof RunResult>;
