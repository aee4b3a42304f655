import { parsePatch, type StructuredPatch } from 'diff';
import type { Edit } from '../../src/fix/edits/schema.js';

type Hunk = StructuredPatch['hunks'][number];
type LineEndings = 'lf' | 'crlf';

/** One line of a hunk: which sides show it, its text, and whether it ends without a line break. */
interface HunkLine { old: boolean; new: boolean; body: string; noEol: boolean }

function strip(name: string | undefined): string | null {
  if (!name || name === '/dev/null') return null;
  return name.replace(/^[ab]\//, '');
}

/**
 * A hunk's lines. "\ No newline at end of file" follows the line it speaks of: the old side's,
 * the new side's, or both for context; it marks that line as ending without a break.
 */
function hunkLines(h: Hunk): HunkLine[] {
  const out: HunkLine[] = [];
  for (const l of h.lines) {
    const last = out.at(-1);
    if (l.startsWith('\\')) {
      if (last) last.noEol = true;
      continue;
    }
    out.push({ old: !l.startsWith('+'), new: !l.startsWith('-'), body: l.slice(1), noEol: false });
  }
  return out;
}

/**
 * The line endings a file's change converts it to: every line the hunks show on the old side
 * ends in CRLF and none on the new side does (or the other way round). Null for a change that
 * keeps them, which search/replace edits do by themselves.
 */
function conversion(hunks: readonly Hunk[]): LineEndings | null {
  const lines = hunks.flatMap(hunkLines).filter((l) => !l.noEol);
  const crlf = (side: 'old' | 'new'): boolean[] => lines.filter((l) => l[side]).map((l) => l.body.endsWith('\r'));
  const [before, after] = [crlf('old'), crlf('new')];
  if (before.length === 0 || after.length === 0) return null;
  if (before.every(Boolean) && !after.some(Boolean)) return 'lf';
  if (!before.some(Boolean) && after.every(Boolean)) return 'crlf';
  return null;
}

/**
 * One hunk as a search/replace edit. Lines keep their own breaks; after a conversion both sides
 * are written in the converted file's breaks. When only one side's last line lacks a break,
 * the edit carries the break.
 */
function hunkEdit(path: string, h: Hunk, converted: LineEndings | null): Edit {
  const lines = hunkLines(h);
  const eol = converted === 'crlf' ? '\r\n' : '\n';
  const text = (ls: HunkLine[]): string => (converted ? ls.map((l) => l.body.replace(/\r$/, '')) : ls.map((l) => l.body)).join(eol);
  const oldLines = lines.filter((l) => l.old);
  const newLines = lines.filter((l) => l.new);
  const oldNoEol = oldLines.at(-1)?.noEol ?? false;
  const newNoEol = newLines.at(-1)?.noEol ?? false;
  const end = (noEol: boolean, other: boolean): string => (!noEol && other ? eol : '');
  return { path, search: text(oldLines) + end(oldNoEol, newNoEol), replace: text(newLines) + end(newNoEol, oldNoEol) };
}

/** A file's lines, each with its own break. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) n++;
  return n;
}

/**
 * A search block that matches more than one place in the file is widened, as a careful model
 * would, with the file's lines around the hunk (added to both sides), one at a time before then
 * after, until it matches once; never into the lines another hunk of the file changes.
 */
function unique(edit: Edit & { search: string; replace: string }, base: string, lines: readonly string[], span: { start: number; end: number; lo: number; hi: number }): Edit {
  let { search, replace } = edit;
  let { start, end } = span;
  for (let before = true; occurrences(base, search) > 1 && (start > span.lo || end < span.hi); before = !before) {
    if (before && start > span.lo) {
      start -= 1;
      search = lines[start] + search;
      replace = lines[start] + replace;
    } else if (end < span.hi) {
      search += lines[end] ?? '';
      replace += lines[end] ?? '';
      end += 1;
    }
  }
  return { ...edit, search, replace };
}

/** Where a hunk's old side starts, 0-based (a hunk that only adds names the line it follows). */
const hunkStart = (h: Hunk): number => (h.oldLines === 0 ? h.oldStart : h.oldStart - 1);

/**
 * A unified diff as the edits a model answers with: each hunk's old side (context and removed
 * lines) becomes `search`, its new side `replace`; an added file becomes a new-file edit; a file
 * whose line breaks the change converts gets a line-endings edit first. What a perfect model
 * would answer for the task. Given the files as they are before the change (`base`), a search
 * block that would match more than once is widened until it matches once (see `unique`).
 */
export function patchAsEdits(patch: string, base: Readonly<Record<string, string | null>> = {}): Edit[] {
  const edits: Edit[] = [];
  for (const file of parsePatch(patch)) {
    const oldPath = strip(file.oldFileName);
    const newPath = strip(file.newFileName);
    if (!newPath) throw new Error(`the oracle cannot delete files (${String(oldPath)})`);
    if (!oldPath) {
      const lines = file.hunks.flatMap((h) => h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1)));
      const noEol = file.hunks.some((h) => h.lines.includes('\\ No newline at end of file'));
      edits.push({ path: newPath, newFile: lines.join('\n') + (noEol ? '' : '\n') });
      continue;
    }
    const converted = conversion(file.hunks);
    if (converted) edits.push({ path: newPath, lineEndings: converted });
    const text = base[oldPath];
    const lines = text ? linesOf(text) : [];
    file.hunks.forEach((h, i) => {
      const edit = hunkEdit(newPath, h, converted);
      const plain = !converted && text && 'search' in edit && !h.lines.some((l) => l.startsWith('\\'));
      if (!plain) {
        edits.push(edit);
        return;
      }
      const prev = file.hunks[i - 1];
      const next = file.hunks[i + 1];
      const start = hunkStart(h);
      edits.push(unique(edit, text, lines, { start, end: start + h.oldLines, lo: prev ? hunkStart(prev) + prev.oldLines : 0, hi: next ? hunkStart(next) : lines.length }));
    });
  }
  return edits;
}
