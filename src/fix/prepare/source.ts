import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.js';

/** Where a repository comes from: a clone URL from the forge, or a local directory (the local forge). */
export const RepoSource = z.union([
  z.strictObject({ cloneUrl: z.string().min(1).max(2000) }),
  z.strictObject({ localPath: z.string().min(1).max(4000) }),
]);
export type RepoSource = z.infer<typeof RepoSource>;

export interface ResolvedSource {
  /** What git fetches from (a URL without credentials, or an absolute directory). */
  location: string;
  /** Transports allowed for the fetch. */
  protocols: string[];
  /** Printable, credential-free description for logs. */
  display: string;
}

/**
 * Checks a repository source. URLs must be http(s) with a host and no user or password in them
 * (credentials never go into a URL git could store); local paths must be absolute directories.
 */
export async function resolveSource(source: RepoSource): Promise<ResolvedSource> {
  if ('cloneUrl' in source) {
    let url: URL;
    try {
      url = new URL(source.cloneUrl);
    } catch {
      throw new UsageError('clone URL is not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`clone URL must be http(s), not ${url.protocol}`);
    if (url.username !== '' || url.password !== '') throw new UsageError('clone URL must not carry credentials');
    if (url.hostname === '' || url.search !== '' || url.hash !== '') throw new UsageError('clone URL must have a host and no query or fragment');
    if (/[\s\u0000-\u001f]/.test(source.cloneUrl)) throw new UsageError('clone URL contains whitespace or control characters');
    return { location: url.toString(), protocols: [url.protocol.slice(0, -1)], display: url.toString() };
  }
  const p = source.localPath;
  if (!path.isAbsolute(p) || /[\u0000-\u001f]/.test(p)) throw new UsageError('local repository path must be absolute');
  const normal = path.resolve(p);
  let st;
  try {
    st = await lstat(normal);
  } catch {
    throw new UsageError(`local repository not found: ${normal}`);
  }
  if (!st.isDirectory()) throw new UsageError(`local repository is not a directory: ${normal}`);
  return { location: normal, protocols: ['file'], display: normal };
}
