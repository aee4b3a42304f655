/**
 * How this process starts short commands (git, cp, du, chown). A fork copies the parent's page
 * tables, so its cost grows with the parent's memory: from a worker of a few hundred MB each start
 * costs over ten ms of CPU, from a small process about one. A process that runs many commands
 * (the worker) calls `startCommandsFromHelper` once, and from then on starts them from a helper
 * process of its own (./helper-client.ts); any other process starts them itself. The commands and
 * their outcomes are the same either way.
 */
import { HelperClient } from './helper-client.js';
import { spawnDirect, type SpawnOutcome, type SpawnRequest } from './spawn.js';

let helper: HelperClient | undefined;

export function startCommandsFromHelper(): void {
  helper ??= new HelperClient();
}

export function spawnCommand(req: SpawnRequest, signal?: AbortSignal): Promise<SpawnOutcome> {
  return helper ? helper.run(req, signal) : spawnDirect(req, signal);
}

export interface ExecOptions {
  timeoutMs: number;
  /** Output limit per stream (1 MiB by default, as for execFile). */
  maxBuffer?: number | undefined;
  cwd?: string | undefined;
  /** The command's whole environment (this process's by default). */
  env?: NodeJS.ProcessEnv | undefined;
}

/** A command that failed, as promisified execFile rejects: its exit code (or error code) and output. */
export class CommandError extends Error {
  constructor(message: string, readonly code: number | string | null, readonly stdout: string, readonly stderr: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Runs a command with no input, as promisified execFile does: its output as text, or a CommandError. */
export async function execCommand(file: string, args: readonly string[], options: ExecOptions): Promise<{ stdout: string; stderr: string }> {
  const { error, stdout, stderr } = await spawnCommand({
    file, args, cwd: options.cwd, env: options.env ?? process.env, input: '', timeoutMs: options.timeoutMs, maxBuffer: options.maxBuffer ?? 1024 * 1024,
  });
  const out = { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
  if (error) throw new CommandError(error.message, error.code, out.stdout, out.stderr);
  return out;
}
