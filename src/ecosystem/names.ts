import type { Ecosystem } from './schema.js';

/**
 * Normalises a package name the way its registry compares names, so that a dependency
 * and the package a repository publishes meet on the same graph node.
 * - pypi: PEP 503 (lower case, runs of `-`, `_`, `.` become `-`).
 * - cargo: crates.io treats `-` and `_` as the same and ignores case.
 * - npm, packagist: lower case (both registries reject upper case in new names).
 * - go: module paths are case-sensitive; kept as written.
 * - rubygems: case-sensitive; kept as written.
 */
export function normalisePackageName(ecosystem: Ecosystem, name: string): string {
  const n = name.trim();
  switch (ecosystem) {
    case 'pypi':
      return n.toLowerCase().replace(/[-_.]+/g, '-');
    case 'cargo':
      return n.toLowerCase().replace(/_/g, '-');
    case 'npm':
    case 'packagist':
      return n.toLowerCase();
    case 'go':
    case 'rubygems':
      return n;
  }
}

/** A graph node id for a package: `npm:react`, `pypi:numpy`. */
export function packageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}:${normalisePackageName(ecosystem, name)}`;
}

const PLAUSIBLE_NAME = /^[A-Za-z0-9@][A-Za-z0-9@._~/+-]{0,213}$/;

/** Untrusted manifests can hold anything; only names that look like package names are kept. */
export function isPlausiblePackageName(name: string): boolean {
  return PLAUSIBLE_NAME.test(name);
}
