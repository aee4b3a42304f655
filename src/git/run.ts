/**
 * The one way the project runs git: an argv (never a shell) and a clean environment, so nothing
 * in a repository's own config, hooks or the user's config makes git run a command of its choosing.
 */
import { tmpdir } from 'node:os';
import { Unavailable } from '../errors.js';
import { spawnCommand } from '../util/spawn/commands.js';

export interface GitOptions {
  /** The directory git runs in (the process's own when unset). */
  cwd?: string | undefined;
  /** Written to git's stdin, which is closed either way. */
  input?: string | Buffer | undefined;
  /** Extra environment for this call only (a private index file, an author). */
  env?: Readonly<Record<string, string>> | undefined;
  /** Exit codes besides 0 whose output is returned rather than thrown (grep's "no match" is 1). */
  allowExit?: readonly number[] | undefined;
  /** Transports git may use for this call (`GIT_ALLOW_PROTOCOL`); none by default. Local paths are `file`. */
  allowProtocols?: readonly string[] | undefined;
  /** Extra `-c key=value` settings for this call only: never written to any config file. */
  config?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
  /** Kills git after this long (10 minutes by default). */
  timeoutMs?: number | undefined;
  /** Output limit (64 MiB by default): a huge output fails instead of being buffered whole. */
  maxBuffer?: number | undefined;
}

/** A git command that failed; `exitCode` is null when git did not exit by itself (killed, output too large). */
export class GitError extends Unavailable {
  constructor(message: string, readonly exitCode: number | null, readonly stderr: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Settings on every call: hooks and fsmonitor off (both run commands), no credentials, no `ext::`, paths printed as they are. */
const SAFETY = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'safe.directory=*', 'credential.helper=', 'protocol.ext.allow=never', 'core.quotepath=off'];

function environment(options: GitOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.cwd ?? tmpdir(),
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_ALLOW_PROTOCOL: (options.allowProtocols ?? []).join(':') || 'none',
    ...options.env,
  };
}

async function exec(args: readonly string[], options: GitOptions): Promise<Buffer> {
  const argv = [...[...SAFETY, ...(options.config ?? [])].flatMap((c) => ['-c', c]), ...args];
  const { error, stdout, stderr } = await spawnCommand({
    file: 'git', args: argv, cwd: options.cwd, env: environment(options), input: options.input ?? '',
    timeoutMs: options.timeoutMs ?? 600_000, maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
  }, options.signal);
  const code = typeof error?.code === 'number' ? error.code : null;
  if (!error || (code !== null && options.allowExit?.includes(code))) return stdout;
  if (error.name === 'AbortError') throw new DOMException('git was cancelled', 'AbortError');
  throw failure(args, code, stderr.toString(), new Error(error.message));
}

function failure(args: readonly string[], code: number | null, stderr: string, cause: Error): GitError {
  const said = stderr.trim().slice(0, 2000) || cause.message;
  return new GitError(`git ${args[0] ?? ''} failed${code === null ? '' : ` (exit ${code})`}: ${said}`, code, stderr, { cause });
}

/** git's standard output as text; a GitError when it fails. */
export async function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  return (await exec(args, options)).toString('utf8');
}

/** git's standard output as bytes (blobs, `cat-file --batch`). */
export function runGitBytes(args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  return exec(args, options);
}

/** Like runGit, but a failure (no HEAD, a missing path) gives null. */
export async function tryGit(args: readonly string[], options: GitOptions = {}): Promise<string | null> {
  try {
    return await runGit(args, options);
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}
