import { SandboxViolation } from '../../errors.js';

export interface PatchFile {
  /** Path before (null for a new file). */
  oldPath: string | null;
  /** Path after (null for a deleted file). */
  newPath: string | null;
  /** The text of this file's section, from its `diff --git` line (or `---` line) on. */
  text: string;
  binary: boolean;
  symlink: boolean;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Git's C-style quoted path (`"a/caf\303\251 \"x\""`) to its text; other text unchanged. */
export function unquotePath(p: string): string {
  if (!(p.length >= 2 && p.startsWith('"') && p.endsWith('"'))) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const oct = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[body[i + 1] ?? ''] ?? body.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string): string | null {
  const t = p.startsWith('"') ? p.replace(/("(?:[^"\\]|\\.)*").*$/, '$1') : p.replace(/\t.*$/, '').replace(/\s+$/, '');
  if (t === '/dev/null') return null;
  return unquotePath(t).replace(/^[ab]\//, '');
}

const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';

/**
 * The two paths of a `diff --git` line. Quoted paths are read exactly; unquoted paths may hold
 * spaces, so `a/<p> b/<p>` is split where both halves agree. Undefined when it cannot be told.
 */
function gitHeaderPaths(head: string): [string | null, string | null] | undefined {
  const rest = head.slice('diff --git '.length);
  const both = new RegExp(`^(${QUOTED}|\\S+) (${QUOTED}|\\S+)$`).exec(rest);
  if (both) return [stripPrefix(both[1]!), stripPrefix(both[2]!)];
  if (!rest.startsWith('a/')) return undefined;
  for (let i = rest.indexOf(' b/'); i !== -1; i = rest.indexOf(' b/', i + 1)) {
    const left = rest.slice(2, i);
    if (left === rest.slice(i + 3)) return [left, left];
  }
  return undefined;
}

/**
 * Splits a unified diff into per-file sections and reads each one's paths and modes. Accepts
 * `git diff` output and plain `diff -u` output.
 */
export function splitPatch(patch: string): PatchFile[] {
  const lines = patch.split('\n');
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('diff --git ')) starts.push(i);
    else if (l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ') && !(starts.length > 0 && isInsideGitHeader(lines, starts[starts.length - 1]!, i))) starts.push(i);
  }
  const files: PatchFile[] = [];
  for (let s = 0; s < starts.length; s++) {
    const from = starts[s]!;
    const to = starts[s + 1] ?? lines.length;
    const section = lines.slice(from, to);
    let oldPath: string | null | undefined;
    let newPath: string | null | undefined;
    let binary = false;
    let symlink = false;
    const head = section[0]!;
    if (head.startsWith('diff --git ')) {
      const paths = gitHeaderPaths(head);
      if (paths) [oldPath, newPath] = paths;
    }
    for (const l of section) {
      if (l.startsWith('@@')) break;
      if (l.startsWith('--- ')) oldPath = stripPrefix(l.slice(4));
      else if (l.startsWith('+++ ')) newPath = stripPrefix(l.slice(4));
      else if (l.startsWith('rename from ') || l.startsWith('copy from ')) oldPath = unquotePath(l.replace(/^(rename|copy) from /, ''));
      else if (l.startsWith('rename to ') || l.startsWith('copy to ')) newPath = unquotePath(l.replace(/^(rename|copy) to /, ''));
      else if (/^(new file mode|deleted file mode|old mode|new mode|index [0-9a-f]+\.\.[0-9a-f]+) .*120000/.test(l)) symlink = true;
      else if (l.startsWith('GIT binary patch') || l.startsWith('Binary files ')) binary = true;
      if (/^new file mode/.test(l)) oldPath = null;
      if (/^deleted file mode/.test(l)) newPath = null;
    }
    for (const l of section) if (l.startsWith('GIT binary patch') || l.startsWith('Binary files ')) binary = true;
    files.push({ oldPath: oldPath ?? null, newPath: newPath ?? null, text: section.join('\n'), binary, symlink });
  }
  return files;
}

function isInsideGitHeader(lines: string[], gitStart: number, i: number): boolean {
  // `---`/`+++` that belong to the current `diff --git` section (before its first hunk).
  for (let j = gitStart + 1; j < i; j++) if (lines[j]!.startsWith('@@')) return false;
  return lines[gitStart]!.startsWith('diff --git ');
}

/** A path is safe when it is relative, has no `..`, and never names a `.git` directory. */
export function unsafeReason(p: string): string | null {
  if (p.length === 0) return 'empty path';
  if (p.startsWith('/')) return 'absolute path';
  if (p.includes('\0') || p.includes('\\')) return 'unusual characters';
  const parts = p.split('/');
  if (parts.some((x) => x === '..')) return 'leaves the tree (..)';
  if (parts.some((x) => x.toLowerCase() === '.git')) return 'touches .git';
  return null;
}

/** Throws SandboxViolation for any patch that reaches outside the tree, into .git, or through symlinks. */
export function checkPatchFiles(files: PatchFile[]): void {
  if (files.length === 0) throw new SandboxViolation('the patch contains no file changes');
  for (const f of files) {
    if (f.oldPath === null && f.newPath === null) throw new SandboxViolation(`cannot read the paths of a file section: ${f.text.split('\n')[0] ?? ''}`);
    for (const p of [f.oldPath, f.newPath]) {
      if (p === null) continue;
      const why = unsafeReason(p);
      if (why) throw new SandboxViolation(`patch path rejected (${why}): ${p}`);
    }
    if (f.symlink) throw new SandboxViolation(`patch creates or changes a symlink: ${f.newPath ?? f.oldPath ?? '?'}`);
    if (f.binary) throw new SandboxViolation(`binary patches are not accepted: ${f.newPath ?? f.oldPath ?? '?'}`);
  }
}

const TEST_PATH = /(^|\/)(tests?|__tests__|spec)\/|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)src\/test\//;

export function isTestPath(p: string): boolean {
  return TEST_PATH.test(p);
}

/** The sections that touch only test files, as a patch of their own (empty string when none). */
export function testOnlyPatch(files: PatchFile[]): string {
  const picked = files.filter((f) => [f.oldPath, f.newPath].every((p) => p === null || isTestPath(p)));
  return picked.map((f) => (f.text.endsWith('\n') ? f.text : `${f.text}\n`)).join('');
}
