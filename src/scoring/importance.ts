import type { ScoreBreakdown } from './breakdown.js';
import { term } from './breakdown.js';
import { CATEGORY_MULTIPLIERS, CRITICAL_BOOST, MAX_CATEGORY_MULTIPLIER, type IssueCategory } from './categories.js';

/**
 * Importance 0–1 = category multiplier × (critical ? CRITICAL_BOOST : 1) / MAX_CATEGORY_MULTIPLIER,
 * so a critical security issue is 1 and a style nit 0.01.
 */
export function computeImportance(category: IssueCategory, critical: boolean): ScoreBreakdown {
  const multiplier = CATEGORY_MULTIPLIERS[category];
  const boost = critical ? CRITICAL_BOOST : 1;
  const value = (multiplier * boost) / MAX_CATEGORY_MULTIPLIER;
  return {
    total: value,
    terms: [
      term('category', category, multiplier / MAX_CATEGORY_MULTIPLIER, 1, `multiplier ${multiplier} / ${MAX_CATEGORY_MULTIPLIER}`),
      term('critical', critical, boost, 1, critical ? `critical: ×${CRITICAL_BOOST}` : 'not critical: ×1'),
    ],
    notes: [],
  };
}
