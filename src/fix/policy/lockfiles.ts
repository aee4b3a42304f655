/** Lockfiles: a change may not introduce a URL (registry, tarball, VCS) the lockfile did not already hold. */
import { finding, type Finding } from './types.js';

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'poetry.lock', 'pipfile.lock',
  'uv.lock', 'pdm.lock', 'cargo.lock', 'go.sum', 'composer.lock', 'gemfile.lock', 'packages.lock.json', 'gradle.lockfile', 'flake.lock',
]);

export function isLockfile(path: string): boolean {
  return LOCKFILES.has(path.slice(path.lastIndexOf('/') + 1).toLowerCase());
}

// URLs with a scheme, and scp-style git remotes (`git@host:owner/repo`).
const LOCATION = /(?:[a-z][a-z0-9+.-]*):\/\/[^\s"'`,)\]}]+|\b[\w.-]+@[\w-]+(?:\.[\w-]+)+:[\w~][^\s"'`,)\]}]*/gi;
const locations = (text: string): Set<string> => new Set([...text.matchAll(LOCATION)].map((m) => m[0]));

/** go.sum: the same module version may not change its hash. */
function goSumChanges(before: string, after: string): boolean {
  const hashes = new Map<string, string>();
  for (const line of before.split('\n')) {
    const [mod, ver, hash] = line.trim().split(/\s+/);
    if (mod && ver && hash) hashes.set(`${mod} ${ver}`, hash);
  }
  return after.split('\n').some((line) => {
    const [mod, ver, hash] = line.trim().split(/\s+/);
    const was = mod && ver ? hashes.get(`${mod} ${ver}`) : undefined;
    return was !== undefined && was !== hash;
  });
}

export function lockfileCheck(path: string, before: string | undefined, after: string): Finding[] {
  if (!isLockfile(path)) return [];
  if (before === undefined) return [finding('lockfile-registries', 'creates a lockfile')];
  const out: Finding[] = [];
  const known = locations(before);
  const added = [...locations(after)].filter((u) => !known.has(u));
  if (added.length > 0) {
    const hosts = new Set(added.map((u) => /^[^:]+:\/\/([^/]+)/.exec(u)?.[1] ?? /@([^:]+):/.exec(u)?.[1] ?? u));
    out.push(finding('lockfile-registries', `changes resolved or registry URLs (${[...hosts].slice(0, 3).join(', ')})`));
  }
  if (path.toLowerCase().endsWith('go.sum') && goSumChanges(before, after)) out.push(finding('lockfile-registries', 'changes the recorded hash of a module version'));
  return out;
}
