import { z } from 'zod';

/** Environment variable names: plain identifiers only. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'invalid environment variable name');

/** Names that look like credentials never enter a sandbox, whoever asks. */
export const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH)/i;

/** The data part of a sandbox run request (signal and onOutput are checked separately). */
export const RunSpecData = z.object({
  /** The worktree: mounted read-write at the sandbox's working directory. */
  cwd: z.string().min(1).refine((p) => p.startsWith('/'), 'cwd must be an absolute path'),
  argv: z.array(z.string().refine((a) => !a.includes('\0'), 'argument contains NUL')).min(1),
  env: z.record(envName, z.string().refine((v) => !v.includes('\0'), 'value contains NUL')).optional(),
  network: z.boolean(),
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  cpuSeconds: z.number().int().positive(),
});
export type RunSpecData = z.infer<typeof RunSpecData>;

export const ViolationKind = z.enum(['network', 'filesystem', 'cpu-limit', 'memory-limit', 'file-size-limit', 'process-limit', 'timeout', 'cancelled']);
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
});
export type RunResult = z.infer<typeof RunResult>;
