/** One command as data, and how it ended: what both ways of starting commands (./commands.ts) share. */
import { execFile, type ExecFileException } from 'node:child_process';

/** One command to run: what execFile takes, with its output as bytes. */
export interface SpawnRequest {
  file: string;
  args: readonly string[];
  cwd?: string | undefined;
  env: NodeJS.ProcessEnv;
  input: string | Buffer;
  timeoutMs: number;
  maxBuffer: number;
}

/** How the command ended: `code` is its exit code, a string (ENOENT, an output over the limit) or null when it was killed. */
export interface SpawnOutcome {
  error?: { code: number | string | null; name: string; message: string } | undefined;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs the command as a child of this process. */
export function spawnDirect(req: SpawnRequest, signal?: AbortSignal): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    const child = execFile(req.file, req.args, {
      cwd: req.cwd, env: req.env, encoding: 'buffer', timeout: req.timeoutMs, maxBuffer: req.maxBuffer, ...(signal ? { signal } : {}),
    }, (err: ExecFileException | null, stdout: Buffer, stderr: Buffer) => {
      resolve({ stdout, stderr, error: err ? { code: err.code ?? null, name: err.name, message: err.message } : undefined });
    });
    // The command may exit before reading stdin (commands that take none): that EPIPE is not an error of ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(req.input);
  });
}
