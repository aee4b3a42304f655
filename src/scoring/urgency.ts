import type { ScoreBreakdown } from './breakdown.js';
import { sumContributions, term } from './breakdown.js';
import { clamp01, logScale } from './normalize.js';

/**
 * Urgency 0–1 = 0.6·age + 0.4·engagement, each term 0–1 (what the issue is about counts in
 * importance.ts, not here):
 * - age: min(days open / 365, 1) — old issues have waited long enough.
 * - engagement: comments + 0.5·reactions, log-scaled with a cap of 50 (criticality-score style)
 *   so one viral thread does not drown everything else.
 */
export const URGENCY_WEIGHTS = { age: 0.6, engagement: 0.4 } as const;
export const URGENCY_CONSTANTS = { ageFullDays: 365, engagementCap: 50, reactionWeight: 0.5 } as const;

export interface UrgencyInput {
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
  const age = nonNegative(input.ageDays);
  const engagement = nonNegative(input.comments) + K.reactionWeight * nonNegative(input.reactions);
  const terms = [
    term('age', Math.floor(age), clamp01(age / K.ageFullDays), U.age, `min(days open / ${K.ageFullDays}, 1)`),
    term('engagement', engagement, logScale(engagement, K.engagementCap), U.engagement, `comments + ${K.reactionWeight}·reactions, log-scaled, cap ${K.engagementCap}`),
  ];
  return { total: clamp01(sumContributions(terms)), terms, notes: [] };
}
