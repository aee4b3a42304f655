/**
 * The fix policy applied to a unified diff, as `globallm validate` receives one: every path the
 * patch names (both sides of a rename or copy, deleted files too) against the path rules, and
 * each changed file's content, rebuilt from the base, against the content rules.
 */
import { applyPatch } from 'diff/lib/patch/apply.js';
import { splitPatch, type PatchFile } from '../validate/patch-files.js';
import { isManifest } from './dependencies.js';
import { fileFindings, pathFindings } from './guard.js';
import { isLockfile } from './lockfiles.js';
import type { RuleId } from './rules.js';
import { DEFAULT_GUARD_OPTIONS, finding, type Finding, type GuardOptions } from './types.js';

/** The base commit's files, as the policy needs to see them. */
export interface BaseTree {
  /** A file's text, or null when it does not exist (or cannot be read as a regular file). */
  read(path: string): Promise<string | null>;
  /** True when an existing part of the path is a symbolic link. */
  symlinkOnPath(path: string): Promise<boolean>;
}

export interface PolicyRefusal {
  path: string;
  rule: RuleId;
  reason: string;
}

export const describeRefusal = (r: PolicyRefusal): string => `refused by rule "${r.rule}" (${r.reason}): ${r.path}`;

const pathsOf = (f: PatchFile): string[] => [...new Set([f.oldPath, f.newPath].filter((p): p is string => p !== null))];

/** The file's content after its hunks, or undefined when they do not apply to the base. */
function contentAfter(f: PatchFile, before: string): string | undefined {
  if (!/^@@ /m.test(f.text)) return before;
  try {
    const out = applyPatch(before, f.text);
    return out === false ? undefined : out;
  } catch {
    return undefined;
  }
}

async function contentFindings(f: PatchFile, base: BaseTree, options: GuardOptions): Promise<Finding[]> {
  const judged = (p: string): boolean => isManifest(p) || isLockfile(p);
  if (f.newPath === null) {
    return f.oldPath !== null && judged(f.oldPath) ? [finding('dependencies', 'deletes a dependency manifest or lockfile')] : [];
  }
  const before = f.oldPath === null ? null : await base.read(f.oldPath);
  const after = contentAfter(f, before ?? '');
  if (after === undefined) return judged(f.newPath) ? [finding('patch-form', 'its hunks do not apply to the base file, so its content cannot be checked')] : [];
  return fileFindings({ path: f.newPath, before: before ?? undefined, after }, options);
}

async function sectionRefusals(f: PatchFile, base: BaseTree, options: GuardOptions): Promise<PolicyRefusal[]> {
  const paths = pathsOf(f);
  const where = f.newPath ?? f.oldPath ?? '';
  const at = (path: string) => (x: Finding): PolicyRefusal => ({ path, rule: x.rule, reason: x.reason });
  if (paths.length === 0) return [at(f.text.split('\n')[0] ?? '')(finding('patch-form', 'the paths of a file section cannot be read'))];
  const out = paths.flatMap((p) => pathFindings(p).map(at(p)));
  for (const p of paths) if (await base.symlinkOnPath(p)) out.push(at(p)(finding('symlink', 'the path goes through a symbolic link in the repository')));
  if (f.symlink) out.push(at(where)(finding('symlink', 'the patch creates or changes a symbolic link')));
  if (f.binary) out.push(at(where)(finding('binary', 'binary patch')));
  if (out.length > 0) return out;
  return (await contentFindings(f, base, options)).map(at(where));
}

/** Every rule the patch breaks, one entry per file and rule; empty when the policy allows it. */
export async function checkPatchPolicy(patch: string, base: BaseTree, options: GuardOptions = DEFAULT_GUARD_OPTIONS): Promise<PolicyRefusal[]> {
  const files = splitPatch(patch);
  if (files.length === 0) return [{ path: '', rule: 'patch-form', reason: 'the patch contains no file changes' }];
  const refusals: PolicyRefusal[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const key = (f.newPath ?? f.oldPath ?? '').toLowerCase();
    if (key !== '' && seen.has(key)) refusals.push({ path: f.newPath ?? f.oldPath ?? '', rule: 'duplicate', reason: 'the path appears in two sections of the patch' });
    seen.add(key);
    refusals.push(...(await sectionRefusals(f, base, options)));
  }
  return refusals;
}
