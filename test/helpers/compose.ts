import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/util/project-root.js';

export interface ComposeService {
  image?: string; build?: unknown; command?: string[]; ports?: unknown[]; container_name?: string;
  environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>;
}

export function readCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
}

/**
 * Compose's variable interpolation: `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}`
 * (unset), `${VAR:?error}` (unset or empty: refused with the error), `$VAR` and `$$`.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const v = vars[braced ?? bare ?? ''];
    const unsetOrEmpty = v === undefined || v === '';
    if (op === ':?' && unsetOrEmpty) throw new Error(`required variable ${braced ?? ''} is missing a value: ${arg ?? ''}`);
    if (op === ':-') return unsetOrEmpty ? arg ?? '' : v;
    if (op === '-') return v === undefined ? arg ?? '' : v;
    return v ?? '';
  });
}

/**
 * A service's environment as its container would see it: interpolated from `vars` (the shell
 * that runs `docker compose`), then each `host:port` of another service replaced by where that
 * service listens here.
 */
export function serviceEnv(service: ComposeService, vars: Record<string, string | undefined>, endpoints: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => {
    let out = interpolate(String(v), vars);
    for (const [from, to] of Object.entries(endpoints)) out = out.replaceAll(from, to);
    return [k, out];
  }));
}

export interface ServiceProcess { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> }

/** Runs a service's command as its container would (`node` is this Node; the working directory the project, as the image's /app). */
export function runService(command: string[], env: Record<string, string>): ServiceProcess {
  const [program, ...args] = command;
  const child = spawn(program === 'node' ? process.execPath : program ?? '', args, {
    cwd: projectRoot, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the process printed `pattern` on stdout; fails if it exits first. */
export async function waitForOutput(p: ServiceProcess, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => { exited = true; });
  while (!pattern.test(p.stdout())) {
    if (exited) throw new Error(`exited before ${String(pattern)}: ${p.stderr().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} within ${timeoutMs} ms: ${p.stderr().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
