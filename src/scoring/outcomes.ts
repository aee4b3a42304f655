import type { ScoreBreakdown } from './breakdown.js';
import { term } from './breakdown.js';

/**
 * How our past pull requests fared, as a 0–1 term of the priority:
 *   outcomes = 0.5·smoothed(repository) + 0.5·smoothed(category)
 *   smoothed = (merged + 1) / (merged + closed + 2)
 * where `closed` counts PRs closed unmerged or ignored. With no history both rates are 0.5, so
 * a repository we never contributed to is neither favoured nor penalised; each merged PR moves
 * its repository and its category up, each rejected one down.
 */
export const OUTCOME_BLEND = { repository: 0.5, category: 0.5 } as const;
export const OUTCOME_PRIOR = { merged: 1, decided: 2 } as const;

/** Our PRs' fates in one repository or one category. */
export interface OutcomeCounts { merged: number; closed: number }
export interface OutcomeHistory { repository: OutcomeCounts; category: OutcomeCounts }

export const NO_HISTORY: OutcomeHistory = { repository: { merged: 0, closed: 0 }, category: { merged: 0, closed: 0 } };

const count = (x: number): number => (Number.isFinite(x) && x > 0 ? Math.floor(x) : 0);

export function smoothedRate(c: OutcomeCounts): number {
  const merged = count(c.merged);
  return (merged + OUTCOME_PRIOR.merged) / (merged + count(c.closed) + OUTCOME_PRIOR.decided);
}

export function computeOutcomes(history: OutcomeHistory): ScoreBreakdown {
  const repo = smoothedRate(history.repository);
  const cat = smoothedRate(history.category);
  const describe = (c: OutcomeCounts): string => `${count(c.merged)} merged, ${count(c.closed)} closed or ignored`;
  const terms = [
    term('repository', `${count(history.repository.merged)}/${count(history.repository.merged) + count(history.repository.closed)}`, repo, OUTCOME_BLEND.repository, describe(history.repository)),
    term('category', `${count(history.category.merged)}/${count(history.category.merged) + count(history.category.closed)}`, cat, OUTCOME_BLEND.category, describe(history.category)),
  ];
  return { total: OUTCOME_BLEND.repository * repo + OUTCOME_BLEND.category * cat, terms, notes: [] };
}
