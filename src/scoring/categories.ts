import { z } from 'zod';

export const IssueCategory = z.enum([
  'critical_security', 'critical_bug', 'bug', 'performance', 'feature', 'enhancement',
  'test', 'documentation', 'refactor', 'style', 'question', 'other',
]);
export type IssueCategory = z.infer<typeof IssueCategory>;

/** How much fixing an issue of this category matters (urgency's category term is this / 10). */
export const CATEGORY_MULTIPLIERS: Readonly<Record<IssueCategory, number>> = {
  critical_security: 10,
  critical_bug: 5,
  bug: 3,
  performance: 2.5,
  feature: 2,
  enhancement: 1.5,
  test: 1.2,
  documentation: 1,
  refactor: 0.5,
  style: 0.1,
  question: 0.2,
  other: 0.5,
};

export const MAX_CATEGORY_MULTIPLIER = Math.max(...Object.values(CATEGORY_MULTIPLIERS));

/** Solvability to assume when the model has not judged an issue yet. */
export const FALLBACK_SOLVABILITY: Readonly<Record<IssueCategory, number>> = {
  critical_security: 0.3,
  critical_bug: 0.5,
  bug: 0.7,
  performance: 0.5,
  feature: 0.6,
  enhancement: 0.6,
  test: 0.8,
  documentation: 0.9,
  refactor: 0.6,
  style: 0.95,
  question: 0.2,
  other: 0.5,
};

/** Anything that is not a known category (stale rows, model drift) counts as `other`. */
export function toCategory(value: unknown): IssueCategory {
  const parsed = IssueCategory.safeParse(value);
  return parsed.success ? parsed.data : 'other';
}
