/** A file split into lines with each line's own terminator, so untouched lines keep theirs. */
export interface FileLines {
  lines: string[];
  /** The terminator after each line: '\n', '\r\n', or '' for a last line without one. */
  eols: string[];
  /** The terminator most lines use; replacement lines get this one. */
  dominantEol: '\n' | '\r\n';
}

export function splitFile(text: string): FileLines {
  const lines: string[] = [];
  const eols: string[] = [];
  const re = /\r\n|\n/g;
  let last = 0;
  let crlf = 0;
  let lf = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(text.slice(last, m.index));
    eols.push(m[0]);
    if (m[0] === '\r\n') crlf++;
    else lf++;
    last = m.index + m[0].length;
  }
  if (last < text.length) {
    lines.push(text.slice(last));
    eols.push('');
  }
  return { lines, eols, dominantEol: crlf > lf ? '\r\n' : '\n' };
}

export function joinFile(file: FileLines): string {
  let out = '';
  for (let i = 0; i < file.lines.length; i++) out += (file.lines[i] ?? '') + (file.eols[i] ?? '');
  return out;
}

/** Splits a search or replace block into lines; one trailing newline is not an extra empty line. */
export function splitBlock(text: string): string[] {
  if (text === '') return [];
  let t = text.replace(/\r\n/g, '\n');
  if (t.endsWith('\n')) t = t.slice(0, -1);
  return t.split('\n');
}

/** Replaces lines [start, end) with `replacement`, giving new lines the dominant terminator. */
export function spliceLines(file: FileLines, start: number, end: number, replacement: readonly string[]): FileLines {
  const lastEol = file.eols[end - 1] ?? file.dominantEol;
  const newEols = replacement.map((_, i) => (i === replacement.length - 1 ? lastEol : file.dominantEol));
  const lines = [...file.lines.slice(0, start), ...replacement, ...file.lines.slice(end)];
  const eols = [...file.eols.slice(0, start), ...newEols, ...file.eols.slice(end)];
  // Deleting the final lines of a file without a trailing newline leaves the new last line without one too.
  if (replacement.length === 0 && end === file.lines.length && lastEol === '' && start > 0) eols[start - 1] = '';
  return { lines, eols, dominantEol: file.dominantEol };
}

export function leadingWhitespace(line: string): string {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0] : '';
}

/** Every line break of `text` as `to` ('lf' or 'crlf'); a lone CR is not a line break and stays. */
export function convertLineEndings(text: string, to: 'lf' | 'crlf'): string {
  return to === 'lf' ? text.replace(/\r\n/g, '\n') : text.replace(/\r?\n/g, '\r\n');
}
