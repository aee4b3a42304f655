import { z } from 'zod';
import { UsageError } from '../errors.js';

const Weight = z.number().finite().nonnegative();

/** Weights of the six priority terms; configurable, validated once. */
export const PriorityWeights = z.object({
  health: Weight,
  impact: Weight,
  solvability: Weight,
  urgency: Weight,
  importance: Weight,
  outcomes: Weight,
}).strict().refine((w) => Object.values(w).some((x) => x > 0), { message: 'at least one weight must be positive' });
export type PriorityWeights = z.infer<typeof PriorityWeights>;

export const DEFAULT_PRIORITY_WEIGHTS: PriorityWeights = { health: 1.0, impact: 2.0, solvability: 1.5, urgency: 0.5, importance: 2.0, outcomes: 1.0 };

/**
 * Validates weights from config or flags; missing keys take the defaults. A negative, NaN or
 * infinite weight is a UsageError naming the key.
 */
export function parsePriorityWeights(input: unknown): PriorityWeights {
  const merged: unknown = typeof input === 'object' && input !== null && !Array.isArray(input)
    ? { ...DEFAULT_PRIORITY_WEIGHTS, ...(input as Record<string, unknown>) }
    : input;
  const result = PriorityWeights.safeParse(merged);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'weights'}: ${i.message}`);
  throw new UsageError(`invalid priority weights — ${problems.join('; ')}`);
}

/** The largest total these weights allow (every term is 0–1). */
export function maxPriority(w: PriorityWeights): number {
  return w.health + w.impact + w.solvability + w.urgency + w.importance + w.outcomes;
}
