/** Lockfiles: a change may not introduce a URL (registry, tarball, VCS) the lockfile did not already hold. */
const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'poetry.lock', 'pipfile.lock',
  'uv.lock', 'pdm.lock', 'cargo.lock', 'go.sum', 'composer.lock', 'gemfile.lock', 'packages.lock.json',
]);

export function isLockfile(path: string): boolean {
  return LOCKFILES.has(path.slice(path.lastIndexOf('/') + 1).toLowerCase());
}

const urls = (text: string): Set<string> => new Set([...text.matchAll(/(?:[a-z][a-z0-9+.-]*):\/\/[^\s"'`,)\]}]+/gi)].map((m) => m[0]));

export function lockfileCheck(path: string, before: string | undefined, after: string): string[] {
  if (!isLockfile(path)) return [];
  if (before === undefined) return ['creates a lockfile'];
  const known = urls(before);
  const added = [...urls(after)].filter((u) => !known.has(u));
  if (added.length === 0) return [];
  const hosts = new Set(added.map((u) => /^[^:]+:\/\/([^/]+)/.exec(u)?.[1] ?? u));
  return [`changes resolved or registry URLs (${[...hosts].slice(0, 3).join(', ')})`];
}
