import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import semver from 'semver';
import type { ToolchainNote } from './schema.js';

const execFileP = promisify(execFile);

/** Versions of the toolchains the sandbox can see (system-wide installs only). */
export interface MachineToolchains {
  node: string | null;
  python: string | null;
  go: string | null;
  rust: string | null;
  java: string | null;
}

async function versionOf(cmd: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { timeout: 10_000, env: { PATH: '/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin' } });
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? null;
  } catch {
    return null;
  }
}

let cached: Promise<MachineToolchains> | null = null;

/** Asks each system toolchain for its version once per process. */
export function machineToolchains(): Promise<MachineToolchains> {
  cached ??= (async () => ({
    node: await versionOf('/usr/bin/node', ['--version'], /v(\d+\.\d+\.\d+)/),
    python: await versionOf('/usr/bin/python3', ['--version'], /Python (\d+\.\d+\.\d+)/),
    go: await versionOf('/usr/local/go/bin/go', ['version'], /go(\d+\.\d+(?:\.\d+)?)/),
    rust: await versionOf('/usr/bin/rustc', ['--version'], /rustc (\d+\.\d+\.\d+)/),
    java: await versionOf('/usr/bin/java', ['-version'], /version "(\d+(?:\.\d+)*)/),
  }))();
  return cached;
}

/**
 * Whether `available` meets `requested`: a semver range (`>=18`, `^20.1`), a bare version
 * (`20`, `3.11`, `1.22.0`, matched on the parts given) or an alias (`lts/*`, `stable`: met).
 */
export function meets(requested: string, available: string): boolean {
  const r = requested.trim().replace(/^v/, '');
  if (/^(lts\/.*|node|stable|latest|system)$/i.test(r)) return true;
  if (/^\d+(\.\d+){0,2}$/.test(r)) {
    const want = r.split('.');
    const have = available.split('.');
    return want.every((p, i) => p === have[i]);
  }
  const coerced = semver.coerce(available);
  if (!coerced) return false;
  try {
    return semver.satisfies(coerced, r.replace(/~=/g, '~'));
  } catch {
    return true; // a request we cannot read is reported, never guessed a mismatch
  }
}

export function note(tool: ToolchainNote['tool'], requested: string | null, source: string | null, available: string | null): ToolchainNote {
  return { tool, requested, source, available, mismatch: available === null || (requested !== null && !meets(requested, available)) };
}
