import { parsePatch } from 'diff';

type Edit = { path: string; search: string; replace: string } | { path: string; newFile: string };

function strip(name: string | undefined): string | null {
  if (!name || name === '/dev/null') return null;
  return name.replace(/^[ab]\//, '');
}

/**
 * A unified diff as the search/replace edits a model answers with: each hunk's old side
 * (context and removed lines) becomes `search`, its new side `replace`; an added file becomes a
 * new-file edit. What a perfect model would answer for the task.
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
    for (const h of file.hunks) {
      const search: string[] = [];
      const replace: string[] = [];
      // "\ No newline at end of file" follows the line it speaks of: the old side's, the new
      // side's, or both for context. When only one side lacks it, the edit carries the newline.
      let oldNoEol = false;
      let newNoEol = false;
      let previous = ' ';
      for (const l of h.lines) {
        if (l.startsWith('\\')) {
          if (previous !== '+') oldNoEol = true;
          if (previous !== '-') newNoEol = true;
          continue;
        }
        previous = l[0] ?? ' ';
        const body = l.slice(1);
        if (l.startsWith(' ') || l.startsWith('-')) search.push(body);
        if (l.startsWith(' ') || l.startsWith('+')) replace.push(body);
      }
      const eol = (noEol: boolean, other: boolean): string => (!noEol && other ? '\n' : '');
      edits.push({ path: newPath, search: search.join('\n') + eol(oldNoEol, newNoEol), replace: replace.join('\n') + eol(newNoEol, oldNoEol) });
    }
  }
  return edits;
}
