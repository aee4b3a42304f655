import type { z } from 'zod';
import type { RunResult, RunSpecData } from './schema.js';

export type OutputStream = 'stdout' | 'stderr';

export type RunSpec = z.input<typeof RunSpecData> & {
  /** Aborting kills the whole process tree inside the sandbox. */
  signal?: AbortSignal;
  /** Called with each chunk as it arrives (before capping). */
  onOutput?: (stream: OutputStream, chunk: string) => void;
};

/**
 * Runs untrusted commands (a repository's install, build and tests) in a box: a clean
 * environment with no secrets, no network (or, for installs, only the package registries), the
 * worktree the only writable place, and CPU, memory, disk, process-count and wall-clock limits. The core owns this interface;
 * `BubblewrapSandbox` is the implementation.
 */
export interface Sandbox {
  readonly name: string;
  /**
   * Makes each of `dirs` (throwaway copies the caller owns) writable from inside the sandbox.
   * Call it after changing files in them from outside and before `run`.
   */
  prepareWorktree(...dirs: string[]): Promise<void>;
  run(spec: RunSpec): Promise<RunResult>;
  /**
   * Checks, once per instance, that the sandbox can start; `run` waits for the same check. Start
   * it early to overlap other work: a failure is reported by `run`, which checks again.
   */
  ready(): Promise<void>;
  /** Releases what runs share (the egress proxy); the sandbox starts it again when next needed. */
  close?(): Promise<void>;
}
