import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';

/** The built CLI (scripts/test.ts builds dist/ before any test runs). */
const bin = join(projectRoot, 'bin', 'globallm.js');
const recordModules = join(projectRoot, 'test', 'helpers', 'record-modules.mjs');

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

export interface RunningCli { child: ChildProcess; readyLine: string; stdout: () => string; stderr: () => string; exited: Promise<number | null> }

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
      if (line) { clearTimeout(timer); resolve({ child, readyLine: line, stdout: () => stdout, stderr: () => stderr, exited }); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`exited with ${code} before ready:\n${stderr}`)); });
  });
}

export interface TracedCliResult extends CliResult {
  /** URLs of every module the process loaded. */
  modules: string[];
  /** `pid command` of each process still in the command's process group once it exited. */
  leftovers: string[];
}

/** The processes whose process group is `pgid` (Linux /proc). */
export function processGroupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      members.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() || `(${fields[0] ?? '?'})`}`);
    } catch {
      // gone while reading
    }
  }
  return members;
}

/**
 * Runs the built CLI as the leader of its own process group, recording every module it loads;
 * the moment it exits, lists whatever is left in its group.
 */
export async function runCliTraced(args: string[], env: NodeJS.ProcessEnv, opts: { timeoutMs?: number; input?: string } = {}): Promise<TracedCliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'globallm-trace-'));
  const file = join(dir, 'modules.txt');
  try {
    const child = spawn(process.execPath, ['--import', recordModules, bin, ...args], {
      env: { ...process.env, ...env, GLOBALLM_RECORD_MODULES: file }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdin.end(opts.input ?? '');
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    clearTimeout(timer);
    const leftovers = processGroupMembers(child.pid ?? -1);
    if (leftovers.length > 0) process.kill(-(child.pid ?? 0), 'SIGKILL');
    await new Promise<void>((resolve) => {
      if (child.stdout.readableEnded) return resolve();
      child.stdout.once('close', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    // A killed process records nothing.
    const modules = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
    return { code, stdout, stderr, modules, leftovers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
