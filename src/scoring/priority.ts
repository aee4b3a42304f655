import type { ScoreBreakdown, ScoreTerm } from './breakdown.js';
import { sumContributions, term } from './breakdown.js';
import { FALLBACK_SOLVABILITY, type IssueCategory } from './categories.js';
import { computeImportance } from './importance.js';
import { clamp01, daysSince } from './normalize.js';
import { computeOutcomes, NO_HISTORY, type OutcomeHistory } from './outcomes.js';
import { DEFAULT_PRIORITY_WEIGHTS, maxPriority, type PriorityWeights } from './schema.js';
import { computeUrgency } from './urgency.js';

/**
 * Priority of one issue = wH·H + wI·I + wS·S + wU·U + wC·C + wO·O
 * (defaults 1.0, 2.0, 1.5, 0.5, 2.0, 1.0), every term 0–1, so the total lies in [0, Σw].
 * - H, health adjusted for complexity: 0.7·repository health + 0.3·(1 − complexity / 10), with
 *   complexity the model's 0–10 estimate clamped into range; when complexity is unknown H is
 *   the repository health alone (the 0.3 is not charged either way).
 * - I: the repository's impact.
 * - S: the model's solvability (0–1); when not judged yet, a fallback by category.
 * - U: urgency, age and engagement (see urgency.ts).
 * - C: importance, the category's multiplier with the critical boost (see importance.ts).
 * - O: outcomes, how our PRs fared in this repository and category (see outcomes.ts).
 * db/rank-select.ts builds the same formula for PostgreSQL from these constants.
 */
export const HEALTH_BLEND = { repository: 0.7, complexity: 0.3 } as const;
export const COMPLEXITY_MAX = 10;

export interface PriorityInput {
  /** Repository health 0–1 (null when not scored: counts as 0). */
  repoHealth: number | null;
  /** Repository impact 0–1 (null when not scored: counts as 0). */
  repoImpact: number | null;
  /** Model solvability 0–1, or null before the model has judged the issue. */
  solvability: number | null;
  /** Model complexity 0–10, or null. */
  complexity: number | null;
  category: IssueCategory;
  critical: boolean;
  /** ISO instant the issue was opened. */
  createdAt: string;
  comments: number;
  reactions: number;
  /** Our PRs' past fates in this repository and category (default: none yet). */
  outcomes?: OutcomeHistory;
}

export interface PriorityBreakdown extends ScoreBreakdown {
  /** The largest total these weights allow. */
  max: number;
  health: ScoreBreakdown;
  urgency: ScoreBreakdown;
  importance: ScoreBreakdown;
  outcomes: ScoreBreakdown;
}

function finite(x: number | null): x is number {
  return x !== null && Number.isFinite(x);
}

function adjustedHealth(repoHealth: number | null, complexity: number | null): ScoreBreakdown {
  const h = finite(repoHealth) ? clamp01(repoHealth) : 0;
  const hNote = finite(repoHealth) ? 'repository health' : 'repository not scored: 0';
  if (!finite(complexity)) {
    return { total: h, terms: [term('repoHealth', repoHealth, h, 1, hNote), term('complexity', null, 0, 0, 'unknown: health alone')], notes: [] };
  }
  const c = Math.min(Math.max(complexity, 0), COMPLEXITY_MAX);
  const terms = [
    term('repoHealth', repoHealth, h, HEALTH_BLEND.repository, hNote),
    term('complexity', complexity, 1 - c / COMPLEXITY_MAX, HEALTH_BLEND.complexity, `1 − complexity / ${COMPLEXITY_MAX}`),
  ];
  return { total: clamp01(sumContributions(terms)), terms, notes: [] };
}

/** Priority with every term's input, normalised value, weight and contribution. Pure. */
export function computePriority(input: PriorityInput, now: Date, weights: PriorityWeights = DEFAULT_PRIORITY_WEIGHTS): PriorityBreakdown {
  const { category } = input;
  const health = adjustedHealth(input.repoHealth, input.complexity);
  const urgency = computeUrgency({ ageDays: daysSince(input.createdAt, now) ?? 0, comments: input.comments, reactions: input.reactions });
  const importance = computeImportance(category, input.critical);
  const outcomes = computeOutcomes(input.outcomes ?? NO_HISTORY);
  const impact = finite(input.repoImpact) ? clamp01(input.repoImpact) : 0;
  const judged = finite(input.solvability);
  const solvability = judged ? clamp01(input.solvability as number) : FALLBACK_SOLVABILITY[category];
  const terms: ScoreTerm[] = [
    term('health', health.total, health.total, weights.health, 'health adjusted for complexity'),
    term('impact', input.repoImpact, impact, weights.impact, finite(input.repoImpact) ? 'repository impact' : 'repository not scored: 0'),
    term('solvability', input.solvability, solvability, weights.solvability, judged ? 'model estimate' : `not judged: fallback for ${category}`),
    term('urgency', urgency.total, urgency.total, weights.urgency, 'age and engagement'),
    term('importance', category, importance.total, weights.importance, 'category with the critical boost'),
    term('outcomes', outcomes.total, outcomes.total, weights.outcomes, 'merge rate of our PRs in this repository and category'),
  ];
  return { total: sumContributions(terms), max: maxPriority(weights), terms, notes: [], health, urgency, importance, outcomes };
}
