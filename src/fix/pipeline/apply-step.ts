import { applyEdits, type EditedFile } from '../edits/apply.js';
import { editKind } from '../edits/schema.js';
import type { CandidateOutcome, GeneratedCandidate } from '../schema.js';
import { readEditedFiles } from './edited-files.js';

/** A candidate whose every edit applied: its changes, still to be guarded. */
export interface AppliedCandidate {
  candidate: GeneratedCandidate;
  edits: CandidateOutcome['edits'];
  changes: EditedFile[];
  diff: string;
  /** Changed paths that sit on a symlink in the worktree. */
  symlinks: ReadonlySet<string>;
}

/** Either a finished outcome (nothing to apply, or an edit failed) or the applied changes. */
export type ApplyStepResult = { finished: CandidateOutcome } | { applied: AppliedCandidate };

/** The outcome of a candidate before it is applied: nothing changed, nothing judged. */
export function outcomeOf(g: GeneratedCandidate): CandidateOutcome {
  return {
    index: g.index, status: 'invalid_output', explanation: g.explanation, repaired: g.repaired, edits: [], applyFailures: [],
    refused: [...g.refusedPaths], diff: '', changedLines: 0, validation: null, verdict: null, error: g.error,
  };
}

/**
 * The apply step: the candidate's edits applied in memory to the worktree's files (the
 * worktree itself is not written). A candidate without edits, or with an edit that does not
 * apply, is finished here.
 */
export async function applyStep(worktree: string, g: GeneratedCandidate): Promise<ApplyStepResult> {
  const base = outcomeOf(g);
  if (g.edits.length === 0) return { finished: { ...base, status: g.error !== null ? 'invalid_output' : g.refusedPaths.length > 0 ? 'refused' : 'empty' } };
  const { files, symlinks } = await readEditedFiles(worktree, g.edits);
  const applied = applyEdits(files, g.edits);
  const edits = g.edits.map((e, i) => ({ path: e.path, kind: editKind(e), status: applied.results[i]?.status ?? 'failed' }));
  const failures = applied.results.filter((r) => r.status === 'failed');
  if (failures.length > 0) {
    return { finished: { ...base, status: 'apply_failed', edits, applyFailures: failures.map((f) => `${f.path}: ${'message' in f ? f.message : 'failed'}`) } };
  }
  return { applied: { candidate: g, edits, changes: applied.changes, diff: applied.diff, symlinks } };
}
