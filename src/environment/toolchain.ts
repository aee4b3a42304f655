import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type SemverCoerce from 'semver/functions/coerce.js';
import type SemverSatisfies from 'semver/functions/satisfies.js';
import type { ToolchainNote } from './schema.js';

const execFileP = promisify(execFile);
const load = createRequire(import.meta.url);

/** The system-wide toolchains the sandbox can see, each asked for its version by its own binary. */
const PROBES = {
  node: { cmd: '/usr/bin/node', args: ['--version'], pattern: /v(\d+\.\d+\.\d+)/ },
  python: { cmd: '/usr/bin/python3', args: ['--version'], pattern: /Python (\d+\.\d+\.\d+)/ },
  go: { cmd: '/usr/local/go/bin/go', args: ['version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/ },
  rust: { cmd: '/usr/bin/rustc', args: ['--version'], pattern: /rustc (\d+\.\d+\.\d+)/ },
  java: { cmd: '/usr/bin/java', args: ['-version'], pattern: /version "(\d+(?:\.\d+)*)/ },
} as const;
export type Toolchain = keyof typeof PROBES;

async function versionOf(cmd: string, args: readonly string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { timeout: 10_000, env: { PATH: '/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin' } });
    return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** This process's own version when it runs the very binary the sandbox sees as node. */
async function ownNodeVersion(): Promise<string | null> {
  try {
    return (await realpath(process.execPath)) === (await realpath(PROBES.node.cmd)) ? process.versions.node : null;
  } catch {
    return null;
  }
}

const cached = new Map<Toolchain, Promise<string | null>>();

/**
 * The version of one system toolchain, or null when it is missing; asked once per process and
 * only for the toolchain a repository needs (a JVM alone takes a good part of a second to answer).
 */
export function toolchainVersion(tool: Toolchain): Promise<string | null> {
  let v = cached.get(tool);
  if (!v) {
    const { cmd, args, pattern } = PROBES[tool];
    v = tool === 'node' ? ownNodeVersion().then((own) => own ?? versionOf(cmd, args, pattern)) : versionOf(cmd, args, pattern);
    cached.set(tool, v);
  }
  return v;
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
  // semver (some twenty modules) loads only for a repository that asks for a range.
  const coerced = (load('semver/functions/coerce.js') as typeof SemverCoerce)(available);
  if (!coerced) return false;
  try {
    return (load('semver/functions/satisfies.js') as typeof SemverSatisfies)(coerced, r.replace(/~=/g, '~'));
  } catch {
    return true; // a request we cannot read is reported, never guessed a mismatch
  }
}

export function note(tool: ToolchainNote['tool'], requested: string | null, source: string | null, available: string | null): ToolchainNote {
  return { tool, requested, source, available, mismatch: available === null || (requested !== null && !meets(requested, available)) };
}
