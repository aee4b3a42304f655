import type { ScoreBreakdown } from './breakdown.js';
import { sumContributions, term } from './breakdown.js';
import { CATEGORY_MULTIPLIERS, MAX_CATEGORY_MULTIPLIER, type IssueCategory } from './categories.js';
import { clamp01, logScale } from './normalize.js';

/**
 * Urgency 0–1 = 0.5·category + 0.3·age + 0.2·engagement, each term 0–1:
 * - category: multiplier / the largest multiplier (critical security = 1).
 * - age: min(days open / 365, 1) — old issues have waited long enough.
 * - engagement: comments + 0.5·reactions, log-scaled with a cap of 50 (criticality-score style)
 *   so one viral thread does not drown everything else.
 */
export const URGENCY_WEIGHTS = { category: 0.5, age: 0.3, engagement: 0.2 } as const;
export const URGENCY_CONSTANTS = { ageFullDays: 365, engagementCap: 50, reactionWeight: 0.5 } as const;

export interface UrgencyInput {
  category: IssueCategory;
  ageDays: number;
  comments: number;
  reactions: number;
}

function nonNegative(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

export function computeUrgency(input: UrgencyInput): ScoreBreakdown {
  const U = URGENCY_WEIGHTS;
  const K = URGENCY_CONSTANTS;
  const multiplier = CATEGORY_MULTIPLIERS[input.category];
  const age = nonNegative(input.ageDays);
  const engagement = nonNegative(input.comments) + K.reactionWeight * nonNegative(input.reactions);
  const terms = [
    term('category', input.category, multiplier / MAX_CATEGORY_MULTIPLIER, U.category, `multiplier ${multiplier} / ${MAX_CATEGORY_MULTIPLIER}`),
    term('age', Math.floor(age), clamp01(age / K.ageFullDays), U.age, `min(days open / ${K.ageFullDays}, 1)`),
    term('engagement', engagement, logScale(engagement, K.engagementCap), U.engagement, `comments + ${K.reactionWeight}·reactions, log-scaled, cap ${K.engagementCap}`),
  ];
  return { total: clamp01(sumContributions(terms)), terms, notes: [] };
}
