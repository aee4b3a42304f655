import { leadingWhitespace } from './lines.js';

/** A uniform indentation change from the search block to the file: add or remove a prefix. */
export type IndentShift = { op: 'add' | 'remove'; prefix: string };

export const NO_SHIFT: IndentShift = { op: 'add', prefix: '' };

/** The shift that turns one search line into its file line, if the text after indentation agrees. */
export function lineShift(fileLine: string, searchLine: string): IndentShift | undefined {
  const fi = leadingWhitespace(fileLine);
  const si = leadingWhitespace(searchLine);
  if (fileLine.slice(fi.length) !== searchLine.slice(si.length)) return undefined;
  if (fi.endsWith(si)) return { op: 'add', prefix: fi.slice(0, fi.length - si.length) };
  if (si.endsWith(fi)) return { op: 'remove', prefix: si.slice(0, si.length - fi.length) };
  return undefined;
}

export function sameShift(a: IndentShift, b: IndentShift): boolean {
  if (a.prefix === '' && b.prefix === '') return true;
  return a.op === b.op && a.prefix === b.prefix;
}

/**
 * One shift shared by every non-blank pair (lines compared without trailing whitespace),
 * or undefined when the pairs disagree. `skip` leaves one pair out (a drifted line).
 */
export function uniformShift(fileLines: readonly string[], searchLines: readonly string[], skip = -1): IndentShift | undefined {
  let shift: IndentShift | undefined;
  for (let i = 0; i < searchLines.length; i++) {
    if (i === skip) continue;
    const f = (fileLines[i] ?? '').trimEnd();
    const s = (searchLines[i] ?? '').trimEnd();
    if (f === '' && s === '') continue;
    if (f === '' || s === '') return undefined;
    const one = lineShift(f, s);
    if (!one) return undefined;
    if (shift && !sameShift(shift, one)) return undefined;
    shift ??= one;
  }
  return shift ?? NO_SHIFT;
}

/** Re-indents replacement lines written at the search block's indentation to the file's. */
export function reindent(lines: readonly string[], shift: IndentShift): string[] {
  if (shift.prefix === '') return [...lines];
  return lines.map((line) => {
    if (line.trim() === '') return line;
    if (shift.op === 'add') return shift.prefix + line;
    if (line.startsWith(shift.prefix)) return line.slice(shift.prefix.length);
    return line.slice(leadingWhitespace(line).length);
  });
}
