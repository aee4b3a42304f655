import { createTwoFilesPatch } from 'diff';
import { reindent } from './indent.js';
import { convertLineEndings, joinFile, splitBlock, splitFile, spliceLines } from './lines.js';
import { DEFAULT_FUZZY, findBlock, type FuzzyOptions, type MatchKind } from './match.js';
import { nearestLines, type NearestLines } from './nearest.js';
import { isLineEndingsEdit, isNewFileEdit, type Edit } from './schema.js';

export type FailureReason = 'not_found' | 'ambiguous' | 'file_missing' | 'file_exists' | 'blank_search';

export interface AppliedEdit {
  index: number;
  path: string;
  /** How it applied: a search/replace match kind, `created` (new file), or for line endings `converted` or `unchanged` (already so). */
  status: MatchKind | 'created' | 'converted' | 'unchanged';
  /** Lines replaced, 1-based and inclusive, in the file as it was before this edit. */
  startLine: number;
  endLine: number;
}

export interface FailedEdit {
  index: number;
  path: string;
  status: 'failed';
  reason: FailureReason;
  message: string;
  nearest?: NearestLines;
  /** For ambiguous edits: the 1-based lines where the candidates start. */
  candidates?: number[];
}

export type EditResult = AppliedEdit | FailedEdit;

export interface EditedFile {
  path: string;
  /** Contents before the edits; undefined for a new file. */
  before: string | undefined;
  after: string;
}

export interface ApplyResult {
  results: EditResult[];
  /** Every file at least one edit changed, with its final contents. */
  changes: EditedFile[];
  /** A unified diff of `changes`. */
  diff: string;
}

type BlockResult =
  | { ok: true; contents: string; kind: MatchKind; startLine: number; endLine: number }
  | { ok: false; reason: FailureReason; message: string; nearest?: NearestLines; candidates?: number[] };

/** Applies one search/replace block to a file's contents. Never applies an ambiguous block. */
export function applySearchReplace(contents: string, search: string, replace: string, fuzzy: FuzzyOptions = DEFAULT_FUZZY): BlockResult {
  if (search.trim() === '') return { ok: false, reason: 'blank_search', message: 'search block is blank' };
  const file = splitFile(contents);
  const exact = exactSubstring(contents, search, replace, file.dominantEol);
  if (exact) return exact;
  const searchLines = splitBlock(search);
  const verbatimElsewhere = countOccurrences(contents, search) > 1;
  const outcome = findBlock(file.lines, searchLines, fuzzy);
  // Text found verbatim in several places is never settled by a fuzzy match.
  if (outcome.status === 'found' && !(verbatimElsewhere && outcome.match.kind === 'fuzzy')) {
    const { match } = outcome;
    const replacement = reindent(splitBlock(replace), match.shift);
    const next = spliceLines(file, match.start, match.end, replacement);
    // Same lines but other line breaks (CRLF against LF) is a whitespace match, not an exact one.
    const searchEol = search.includes('\r\n') ? '\r\n' : '\n';
    const sameBreaks = !/\r?\n/.test(search) || file.eols.slice(match.start, match.end).every((e) => e === '' || e === searchEol);
    const kind = match.kind === 'exact' && !sameBreaks ? 'whitespace' : match.kind;
    return { ok: true, contents: joinFile(next), kind, startLine: match.start + 1, endLine: match.end };
  }
  if (outcome.status === 'ambiguous' || verbatimElsewhere) {
    const candidates = outcome.status === 'ambiguous' ? outcome.starts.map((s) => s + 1) : [];
    return { ok: false, reason: 'ambiguous', message: `search block matches more than one place${candidates.length ? ` (lines ${candidates.slice(0, 5).join(', ')})` : ''}; include more surrounding lines`, candidates };
  }
  const nearest = nearestLines(file.lines, searchLines);
  return { ok: false, reason: 'not_found', message: 'search block not found in the file', ...(nearest ? { nearest } : {}) };
}

/** A search text found exactly once, verbatim: replaced in place (new line breaks follow the file). */
function exactSubstring(contents: string, search: string, replace: string, eol: string): BlockResult | undefined {
  const found = verbatim(contents, search);
  const only = found[0];
  if (found.length !== 1 || !only) return undefined;
  const before = contents.slice(0, only.at);
  const startLine = countNewlines(before) + 1;
  const endLine = startLine + countNewlines(contents.slice(only.at, only.at + only.length).replace(/\r?\n$/, ''));
  let replacement = replace.replace(/\r?\n/g, eol);
  // The block ended the file without a line break: so does its replacement.
  if (only.atEndWithoutEol && replacement.endsWith(eol)) replacement = replacement.slice(0, -eol.length);
  return { ok: true, contents: before + replacement + contents.slice(only.at + only.length), kind: 'exact', startLine, endLine };
}

interface Verbatim {
  at: number;
  length: number;
  atEndWithoutEol: boolean;
}

/**
 * Where `needle` occurs verbatim (at most two places are reported). A needle ending in a line
 * break also occurs where its last line ends the file without one: it is the same block of lines.
 */
function verbatim(haystack: string, needle: string): Verbatim[] {
  const eol = /\r?\n$/.exec(needle)?.[0];
  const body = eol ? needle.slice(0, -eol.length) : needle;
  const found: Verbatim[] = [];
  for (let at = haystack.indexOf(body); at >= 0 && found.length < 2; at = haystack.indexOf(body, at + 1)) {
    const end = at + body.length;
    if (!eol) found.push({ at, length: body.length, atEndWithoutEol: false });
    else if (haystack.startsWith(eol, end)) found.push({ at, length: needle.length, atEndWithoutEol: false });
    else if (end === haystack.length) found.push({ at, length: body.length, atEndWithoutEol: true });
  }
  return found;
}

function countOccurrences(haystack: string, needle: string): number {
  return verbatim(haystack, needle).length;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

type OneEdit = { result: AppliedEdit; contents: string } | { result: FailedEdit };

function failed(index: number, path: string, reason: FailureReason, message: string): OneEdit {
  return { result: { index, path, status: 'failed', reason, message } };
}

/** One edit against the file as the edits before it left it (`existing` undefined: no such file). */
function applyOne(index: number, edit: Edit, existing: string | undefined, fuzzy: FuzzyOptions): OneEdit {
  const { path } = edit;
  if (isNewFileEdit(edit)) {
    if (existing !== undefined) return failed(index, path, 'file_exists', 'file already exists; edit it with search/replace blocks');
    return { contents: edit.newFile, result: { index, path, status: 'created', startLine: 1, endLine: splitFile(edit.newFile).lines.length } };
  }
  if (existing === undefined) return failed(index, path, 'file_missing', 'file does not exist');
  if (isLineEndingsEdit(edit)) {
    const contents = convertLineEndings(existing, edit.lineEndings);
    const status = contents === existing ? 'unchanged' : 'converted';
    return { contents, result: { index, path, status, startLine: 1, endLine: splitFile(contents).lines.length } };
  }
  const outcome = applySearchReplace(existing, edit.search, edit.replace, fuzzy);
  if (!outcome.ok) {
    const { ok: _ok, ...failure } = outcome;
    return { result: { index, path, status: 'failed', ...failure } };
  }
  return { contents: outcome.contents, result: { index, path, status: outcome.kind, startLine: outcome.startLine, endLine: outcome.endLine } };
}

/**
 * Applies edits in order to the files they name (`files` maps repository paths to contents;
 * a path absent from it does not exist). Each edit sees the result of the ones before it.
 */
export function applyEdits(files: ReadonlyMap<string, string>, edits: readonly Edit[], fuzzy: FuzzyOptions = DEFAULT_FUZZY): ApplyResult {
  const current = new Map<string, string>();
  const originals = new Map<string, string | undefined>();
  const results: EditResult[] = [];
  edits.forEach((edit, index) => {
    const one = applyOne(index, edit, current.get(edit.path) ?? files.get(edit.path), fuzzy);
    results.push(one.result);
    if (!('contents' in one)) return;
    if (!originals.has(edit.path)) originals.set(edit.path, files.get(edit.path));
    current.set(edit.path, one.contents);
  });
  const changes: EditedFile[] = [];
  for (const [path, before] of originals) {
    const after = current.get(path) ?? '';
    if (before !== after) changes.push({ path, before, after });
  }
  return { results, changes, diff: unifiedDiff(changes) };
}

export function unifiedDiff(changes: readonly EditedFile[]): string {
  return changes
    .map((c) => createTwoFilesPatch(c.before === undefined ? '/dev/null' : `a/${c.path}`, `b/${c.path}`, c.before ?? '', c.after, undefined, undefined, { context: 3 }))
    .join('');
}

/** The message sent back to the model once, naming each failed edit and the nearest lines. */
export function describeFailures(results: readonly EditResult[]): string {
  const parts: string[] = [];
  for (const r of results) {
    if (r.status !== 'failed') continue;
    let text = `Edit ${r.index + 1} (${r.path}) did not apply: ${r.message}.`;
    if (r.nearest) {
      const width = String(r.nearest.lines.at(-1)?.number ?? 0).length;
      const body = r.nearest.lines.map((l) => `${String(l.number).padStart(width)} | ${l.text}`).join('\n');
      text += `\nThe nearest lines in the file are:\n${body}\nCopy the search block exactly from these lines.`;
    }
    parts.push(text);
  }
  return parts.join('\n\n');
}
