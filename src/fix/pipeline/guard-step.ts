import { guardChanges } from '../policy/guard.js';
import type { CandidateOutcome } from '../schema.js';
import { outcomeOf, type AppliedCandidate } from './apply-step.js';

function changedLines(diff: string): number {
  return diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
}

/**
 * The guard step: the change policy judges an applied candidate's changes. A candidate with any
 * refused edit is dropped whole, never stripped — a fix that wanted to touch CI, dependencies
 * or credentials is not one to half-apply. What passes leaves as `applied`, with its diff.
 */
export function guardStep(a: AppliedCandidate): CandidateOutcome {
  const base = { ...outcomeOf(a.candidate), edits: a.edits };
  const guard = guardChanges(a.changes.map((ch) => ({ ...ch, isSymlink: a.symlinks.has(ch.path) })));
  const refused = [...base.refused, ...guard.refused];
  if (refused.length > 0) return { ...base, status: 'refused', refused };
  if (a.changes.length === 0) return { ...base, status: 'empty' };
  return { ...base, status: 'applied', diff: a.diff, changedLines: changedLines(a.diff) };
}
