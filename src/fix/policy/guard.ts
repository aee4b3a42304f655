import { normalizeRepoPath } from '../edits/repo-path.js';
import { manifestCheck } from './dependencies.js';
import { lockfileCheck } from './lockfiles.js';
import { protectedPathReason } from './protected-paths.js';
import { DEFAULT_GUARD_OPTIONS, type ChangedFile, type GuardOptions, type GuardResult, type Refusal } from './types.js';

// Bidirectional-text controls can make code read differently from how it runs.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const BINARY_SAMPLE = 8000;

function looksBinary(text: string): boolean {
  if (text.includes('\u0000') || text.includes('\ufffd')) return true;
  const sample = text.slice(0, BINARY_SAMPLE);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) control++;
  }
  return sample.length > 0 && control / sample.length > 0.01;
}

/** Every reason to refuse one changed file; empty when it may be written. */
export function refusalReasons(file: ChangedFile, options: GuardOptions = DEFAULT_GUARD_OPTIONS): string[] {
  const normal = normalizeRepoPath(file.path);
  if (!normal.ok) return [`path outside the repository: ${normal.reason}`];
  if (normal.path !== file.path) return ['path is not in normal form'];
  if (file.isSymlink) return ['path is a symbolic link'];
  const fixed = protectedPathReason(file.path);
  if (fixed) return [fixed];
  const reasons: string[] = [];
  if (Buffer.byteLength(file.after, 'utf8') > options.maxFileBytes) reasons.push(`file larger than ${options.maxFileBytes} bytes`);
  if (looksBinary(file.after)) reasons.push('binary content');
  if (BIDI.test(file.after) && !BIDI.test(file.before ?? '')) reasons.push('adds bidirectional-text control characters');
  reasons.push(...lockfileCheck(file.path, file.before, file.after));
  reasons.push(...manifestCheck(file.path, file.before, file.after, new Set(options.allowDependencies)));
  return reasons;
}

/** Splits a proposed change set into files that may be written and files refused, with reasons. */
export function guardChanges<T extends ChangedFile>(files: readonly T[], options: GuardOptions = DEFAULT_GUARD_OPTIONS): GuardResult<T> {
  const allowed: T[] = [];
  const refused: Refusal[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const key = file.path.toLowerCase();
    const reasons = seen.has(key) ? ['path appears twice in the change set'] : refusalReasons(file, options);
    seen.add(key);
    if (reasons.length === 0) allowed.push(file);
    else refused.push({ path: file.path, reason: reasons.join('; ') });
  }
  return { allowed, refused };
}
