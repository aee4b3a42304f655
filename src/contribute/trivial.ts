/**
 * Which changes are trivial: the only ones auto-merge is ever enabled for (and then only in a
 * repository whose `.globallm.yml` sets `autoMerge: true`). A change is trivial when every file it
 * touches is prose documentation that is kept (not deleted), and it changes at most
 * `maxChangedLines` lines in all. Prose documentation is a `.md`, `.markdown`, `.rst`, `.adoc` or
 * `.txt` file outside dot-folders (`.github/` holds templates and workflows), whose name is not a
 * dependency manifest or build file (`requirements*.txt`, `constraints*.txt`, `CMakeLists.txt`,
 * `runtime.txt`, …) nor a legal text (`LICENSE`, `COPYING`, `NOTICE`).
 */
import { unifiedDiff } from '../fix/edits/apply.js';

export interface ChangedFile {
  path: string;
  before?: string | undefined;
  /** Null deletes the file. */
  after: string | null;
}

export type TrivialVerdict = { trivial: true } | { trivial: false; reason: string };

export const MAX_TRIVIAL_LINES = 20;

const PROSE = /\.(md|markdown|rst|adoc|txt)$/i;
/** Names that look like prose but are read by tools, or are legal texts. */
const NOT_PROSE = /^(requirements|constraints|dev-requirements|test-requirements|cmakelists|runtime|license|licence|copying|notice|unlicense)([-_.].*)?\.[a-z]+$/i;

/** Why one path is not prose documentation, or null when it is. */
export function notProse(path: string): string | null {
  const parts = path.split('/');
  const name = parts.at(-1) ?? path;
  if (parts.slice(0, -1).some((p) => p.startsWith('.'))) return `${path} is in a dot-folder (repository configuration)`;
  if (!PROSE.test(name)) return `${path} is not a documentation file`;
  if (NOT_PROSE.test(name)) return `${path} is a dependency manifest, build file or legal text`;
  return null;
}

/** Lines added or removed by the change. */
export function changedLines(files: readonly ChangedFile[]): number {
  const diff = unifiedDiff(files.map((f) => ({ path: f.path, before: f.before, after: f.after ?? '' })));
  return diff.split('\n').filter((l) => (l.startsWith('+') || l.startsWith('-')) && !l.startsWith('+++') && !l.startsWith('---')).length;
}

/** Whether a change is trivial (see the module comment), and if not, the first reason why. */
export function trivialChange(files: readonly ChangedFile[], maxChangedLines = MAX_TRIVIAL_LINES): TrivialVerdict {
  if (files.length === 0) return { trivial: false, reason: 'no files changed' };
  for (const f of files) {
    if (f.after === null) return { trivial: false, reason: `${f.path} is deleted` };
    const why = notProse(f.path);
    if (why) return { trivial: false, reason: why };
  }
  const lines = changedLines(files);
  if (lines > maxChangedLines) return { trivial: false, reason: `${lines} lines changed (at most ${maxChangedLines})` };
  return { trivial: true };
}
