/** The base tree of a local checkout, read without ever following a symbolic link. */
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaseTree } from './patch.js';

async function linkOnPath(root: string, rel: string): Promise<boolean | null> {
  let cur = root;
  for (const part of rel.split('/')) {
    cur = path.join(cur, part);
    try {
      if ((await lstat(cur)).isSymbolicLink()) return true;
    } catch {
      return null; // does not exist: nothing further down can be a link
    }
  }
  return false;
}

/** `root` must be a directory; paths are repository-relative and already checked by the path rules. */
export function checkoutBaseTree(root: string): BaseTree {
  return {
    async read(rel) {
      if (path.isAbsolute(rel) || rel.split('/').includes('..')) return null;
      if ((await linkOnPath(root, rel)) !== false) return null;
      const file = path.join(root, rel);
      if (!(await lstat(file)).isFile()) return null;
      return readFile(file, 'utf8');
    },
    async symlinkOnPath(rel) {
      return (await linkOnPath(root, rel)) === true;
    },
  };
}

/** A base tree held in memory (path → text), with no symbolic links. */
export function memoryBaseTree(files: ReadonlyMap<string, string>): BaseTree {
  return {
    read: (rel) => Promise.resolve(files.get(rel) ?? null),
    symlinkOnPath: () => Promise.resolve(false),
  };
}
