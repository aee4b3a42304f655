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

/**
 * A unified diff as the edits a model answers with: each hunk's old side (context and removed
 * lines) becomes `search`, its new side `replace`; an added file becomes a new-file edit; a file
 * whose line breaks the change converts gets a line-endings edit first. What a perfect model
 * would answer for the task.
 */
export function patchAsEdits(patch: string): Edit[] {
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
    for (const h of file.hunks) edits.push(hunkEdit(newPath, h, converted));
  }
  return edits;
}
