import { execFile } from 'node:child_process';
import { Unavailable } from '../../errors.js';

export interface GitOptions {
  cwd: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** Transports git may use for this call (`GIT_ALLOW_PROTOCOL`); none by default. */
  allowProtocols?: readonly string[];
  /** Extra `-c key=value` settings for this call only: never written to any config file. */
  config?: readonly string[];
  maxBuffer?: number;
}

/**
 * Runs git with an argv (never a shell) and a clean environment: no system or global config, no
 * prompts, hooks off, fsmonitor off, only the named transports. Repository content is untrusted,
 * so nothing in it may make git run a command of its choosing.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.cwd,
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_ALLOW_PROTOCOL: (options.allowProtocols ?? []).join(':') || 'none',
  };
  const safety = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'safe.directory=*', '-c', 'credential.helper=', '-c', 'protocol.ext.allow=never'];
  const extra = (options.config ?? []).flatMap((c) => ['-c', c]);
  return new Promise((resolve, reject) => {
    execFile('git', [...safety, ...extra, ...args], {
      cwd: options.cwd, env, timeout: options.timeoutMs ?? 600_000, maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
      ...(options.signal ? { signal: options.signal } : {}), encoding: 'utf8',
    }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      if (err.name === 'AbortError') {
        reject(new DOMException('git was cancelled', 'AbortError'));
        return;
      }
      const code = (err as { code?: unknown }).code;
      reject(new GitError(`git ${args[0] ?? ''} failed${typeof code === 'number' ? ` (exit ${code})` : ''}: ${String(stderr).trim().slice(0, 2000) || err.message}`, typeof code === 'number' ? code : null, { cause: err }));
    });
  });
}

/** A git command that exited non-zero; `exitCode` lets callers treat "no match" (grep's 1) as data. */
export class GitError extends Unavailable {
  constructor(message: string, readonly exitCode: number | null, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A full object id. */
export const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** A branch name git would accept and that cannot be read as an option or a revision expression. */
export function isSafeBranch(name: string): boolean {
  return /^[A-Za-z0-9._/-]{1,200}$/.test(name) && !name.startsWith('-') && !name.startsWith('/') && !name.endsWith('/')
    && !name.includes('..') && !name.includes('//') && !name.endsWith('.lock') && !name.endsWith('.') && !name.split('/').some((s) => s.startsWith('.'));
}
