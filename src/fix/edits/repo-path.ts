/**
 * Repository-relative paths proposed by a model are untrusted. This turns one into a
 * normalised POSIX path inside the repository, or says why it cannot be one.
 */
export type RepoPathResult = { ok: true; path: string } | { ok: false; reason: string };

const MAX_PATH_LENGTH = 1024;
// Control characters (including NUL) never belong in a path we write.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function normalizeRepoPath(raw: string): RepoPathResult {
  if (raw.length === 0) return { ok: false, reason: 'empty path' };
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, reason: 'path too long' };
  if (CONTROL.test(raw)) return { ok: false, reason: 'path contains a control character or NUL' };
  if (raw.includes('\\')) return { ok: false, reason: 'path contains a backslash' };
  if (raw.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, reason: 'absolute path (drive letter)' };
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: 'path escapes the repository (..)' };
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, reason: 'path names the repository root' };
  const first = segments[0] ?? '';
  if (first === '~' || first.startsWith('~')) return { ok: false, reason: 'path refers to a home directory' };
  if (segments.some((s) => s.toLowerCase() === '.git')) return { ok: false, reason: 'path inside .git' };
  return { ok: true, path: segments.join('/') };
}
