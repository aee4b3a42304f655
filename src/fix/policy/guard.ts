import { normalizeRepoPath } from '../edits/repo-path.js';
import { manifestCheck } from './dependencies.js';
import { lockfileCheck } from './lockfiles.js';
import { hasDisguise, protectedPathRules } from './protected-paths.js';
import { DEFAULT_GUARD_OPTIONS, describeFinding, finding, type ChangedFile, type Finding, type GuardOptions, type GuardResult, type Refusal } from './types.js';

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

/** The rules a path alone breaks: a path that is not plain, a protected location, or both. */
export function pathFindings(path: string): Finding[] {
  const out: Finding[] = [];
  const normal = normalizeRepoPath(path);
  if (!normal.ok) out.push(finding('path-form', `path outside the repository: ${normal.reason}`));
  else if (normal.path !== path) out.push(finding('path-form', 'path is not in normal form'));
  else if (hasDisguise(path)) out.push(finding('path-form', 'path holds invisible or compatibility characters'));
  for (const rule of protectedPathRules(path)) out.push(finding(rule.id, rule.reason));
  return out;
}

/** Every rule one changed file breaks; empty when it may be written. */
export function fileFindings(file: ChangedFile, options: GuardOptions = DEFAULT_GUARD_OPTIONS): Finding[] {
  const byPath = pathFindings(file.path);
  if (byPath.length > 0) return byPath;
  if (file.isSymlink) return [finding('symlink', 'path is a symbolic link')];
  const out: Finding[] = [];
  if (Buffer.byteLength(file.after, 'utf8') > options.maxFileBytes) out.push(finding('size', `file larger than ${options.maxFileBytes} bytes`));
  if (looksBinary(file.after)) out.push(finding('binary', 'binary content'));
  if (BIDI.test(file.after) && !BIDI.test(file.before ?? '')) out.push(finding('hidden-text', 'adds bidirectional-text control characters'));
  out.push(...lockfileCheck(file.path, file.before, file.after));
  out.push(...manifestCheck(file.path, file.before, file.after, new Set(options.allowDependencies)));
  return out;
}

/** Every reason to refuse one changed file, as `<rule>: <what it did>`; empty when it may be written. */
export function refusalReasons(file: ChangedFile, options: GuardOptions = DEFAULT_GUARD_OPTIONS): string[] {
  return fileFindings(file, options).map(describeFinding);
}

/** Splits a proposed change set into files that may be written and files refused, with reasons. */
export function guardChanges<T extends ChangedFile>(files: readonly T[], options: GuardOptions = DEFAULT_GUARD_OPTIONS): GuardResult<T> {
  const allowed: T[] = [];
  const refused: Refusal[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const key = file.path.toLowerCase();
    const reasons = seen.has(key) ? [describeFinding(finding('duplicate', 'path appears twice in the change set'))] : refusalReasons(file, options);
    seen.add(key);
    if (reasons.length === 0) allowed.push(file);
    else refused.push({ path: file.path, reason: reasons.join('; ') });
  }
  return { allowed, refused };
}
