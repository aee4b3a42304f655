import { z } from 'zod';
import { InvalidModelOutput } from '../../errors.js';
import { normalizeRepoPath } from './repo-path.js';

/** A repository-relative path, normalised; model output that names anything else is rejected. */
export const RepoPath = z.string().transform((raw, ctx) => {
  const result = normalizeRepoPath(raw);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: `invalid path: ${result.reason}` });
    return z.NEVER;
  }
  return result.path;
});
export type RepoPath = z.infer<typeof RepoPath>;

const MAX_TEXT = 200_000;

export const SearchReplaceEdit = z.strictObject({
  path: RepoPath,
  search: z.string().max(MAX_TEXT).refine((s) => s.trim().length > 0, 'search must not be blank'),
  replace: z.string().max(MAX_TEXT),
});
export type SearchReplaceEdit = z.infer<typeof SearchReplaceEdit>;

export const NewFileEdit = z.strictObject({
  path: RepoPath,
  newFile: z.string().max(MAX_TEXT),
});
export type NewFileEdit = z.infer<typeof NewFileEdit>;

/**
 * Converts every line break of an existing file to LF or CRLF. Search/replace edits keep a
 * file's own line breaks, so this is the one way to change them; it carries no text.
 */
export const LineEndingsEdit = z.strictObject({
  path: RepoPath,
  lineEndings: z.enum(['lf', 'crlf']),
});
export type LineEndingsEdit = z.infer<typeof LineEndingsEdit>;

export const Edit = z.union([SearchReplaceEdit, NewFileEdit, LineEndingsEdit]);
export type Edit = z.infer<typeof Edit>;

/** The three kinds of edit, as reports name them. */
export type EditKind = 'search_replace' | 'new_file' | 'line_endings';

/** What the model returns for a fix: an explanation and the edits, both untrusted. */
export const ModelEdits = z.strictObject({
  explanation: z.string().max(20_000),
  edits: z.array(Edit).min(1).max(50),
});
export type ModelEdits = z.infer<typeof ModelEdits>;

export function isNewFileEdit(edit: Edit): edit is NewFileEdit {
  return 'newFile' in edit;
}

export function isLineEndingsEdit(edit: Edit): edit is LineEndingsEdit {
  return 'lineEndings' in edit;
}

export function editKind(edit: Edit): EditKind {
  if (isNewFileEdit(edit)) return 'new_file';
  return isLineEndingsEdit(edit) ? 'line_endings' : 'search_replace';
}

/** Validates model output; throws InvalidModelOutput naming the first problems. */
export function parseModelEdits(raw: unknown): ModelEdits {
  const parsed = ModelEdits.safeParse(raw);
  if (parsed.success) return parsed.data;
  const summary = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new InvalidModelOutput(`model edits failed validation: ${summary}`, { cause: parsed.error });
}
