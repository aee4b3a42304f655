import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/stack/project-root.js';

const bin = join(projectRoot, 'bin', 'globallm.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the real CLI in a child process; kills it after `timeoutMs`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, opts: { timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

export interface RunningCli { child: ChildProcess; readyLine: string; stderr: () => string; exited: Promise<number | null> }

/** Starts a long-running command (`up`) and resolves once it prints a line containing `ready`. */
export function startCliUntilReady(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no ready line within ${timeoutMs} ms:\n${stderr}`)); }, timeoutMs);
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.includes('ready'));
      if (line) { clearTimeout(timer); resolve({ child, readyLine: line, stderr: () => stderr, exited }); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${stderr}`)); });
  });
}
