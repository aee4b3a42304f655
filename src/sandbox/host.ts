import { lstat, readFile, readlink, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { HostLayout } from './bwrap-args.js';

const ROOT_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** /etc pieces toolchains need to start: dynamic loader, certificates, time zone, interpreters' config. */
const ETC_FIXED = [
  '/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime',
  '/etc/ssl', '/etc/ca-certificates', '/etc/ca-certificates.conf', '/etc/nsswitch.conf', '/etc/mime.types',
  '/etc/maven',
];
/** Prefixes under /etc for versioned toolchain config (python3.11, java-17-openjdk). */
const ETC_PREFIXES = ['python3', 'java-'];
/** Only for dependency installation (network on): resolver and registry clients' CA settings. */
const ETC_NETWORK = ['/etc/resolv.conf', '/etc/gai.conf', '/etc/host.conf', '/etc/pip.conf', '/etc/npmrc'];
/** Global config files of package managers that live under /usr (bound read-only) and may hold credentials. */
const HIDDEN = ['/usr/etc/npmrc', '/usr/local/etc/npmrc', '/usr/etc/pip.conf', '/usr/local/etc/pip.conf', '/usr/etc/gitconfig', '/usr/local/etc/gitconfig'];
/** A registry config file that mentions any of these is never shown to a sandbox. */
const CREDENTIAL_HINT = /auth|token|password|passwd|secret/i;

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function withoutCredentials(p: string): Promise<boolean> {
  try {
    const st = await lstat(p);
    if (!st.isFile()) return true;
    return !CREDENTIAL_HINT.test(await readFile(p, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Checks operator-chosen toolchain directories: absolute, normalised, existing, and neither
 * the filesystem root, a home directory nor an ancestor of one (those hold credentials).
 */
export async function checkToolchainDirs(dirs: string[]): Promise<string[]> {
  const homes = new Set([homedir(), '/root', '/home']);
  const out: string[] = [];
  for (const d of dirs) {
    if (!path.isAbsolute(d) || path.normalize(d) !== d.replace(/\/+$/, '') || d === '/') {
      throw new UsageError(`toolchain directory must be an absolute, normalised path other than /: ${d}`);
    }
    for (const h of homes) {
      if (d === h || h.startsWith(`${d}/`)) throw new UsageError(`toolchain directory may not be a home directory or contain one: ${d}`);
    }
    if (!(await exists(d))) throw new UsageError(`toolchain directory does not exist: ${d}`);
    out.push(d.replace(/\/+$/, ''));
  }
  return out;
}

export async function describeHost(opts: { toolchainDirs: string[]; extraPath: string[]; generated: HostLayout['generated'] }): Promise<HostLayout> {
  const rootLinks: HostLayout['rootLinks'] = [];
  for (const p of ROOT_LINKS) {
    try {
      const st = await lstat(p);
      if (st.isSymbolicLink()) rootLinks.push({ path: p, target: await readlink(p) });
      else if (st.isDirectory()) rootLinks.push({ path: p, target: null });
    } catch {
      // not on this system
    }
  }
  const etc: string[] = [];
  for (const p of ETC_FIXED) if (await exists(p)) etc.push(p);
  for (const name of (await readdir('/etc')).sort()) {
    if (ETC_PREFIXES.some((pre) => name.startsWith(pre))) etc.push(`/etc/${name}`);
  }
  const etcNetwork: string[] = [];
  for (const p of ETC_NETWORK) if ((await exists(p)) && (await withoutCredentials(p))) etcNetwork.push(p);
  const toolchainDirs = await checkToolchainDirs(opts.toolchainDirs);
  const path = [...opts.extraPath, '/usr/local/go/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const hidden: string[] = [];
  for (const p of HIDDEN) if (await exists(p)) hidden.push(p);
  return { rootLinks, etc, etcNetwork, toolchainDirs, path, hidden, generated: opts.generated };
}
