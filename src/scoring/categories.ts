import { z } from 'zod';

/**
 * The one list of issue categories: analyzers emit these (their schemas reject anything else),
 * the ranking weighs them and a repository's `.globallm.yml` allows them. Whether an issue is
 * critical is a separate flag that boosts its category (see importance), never a category.
 */
export const IssueCategory = z.enum([
  'security', 'bug', 'performance', 'dependency', 'build', 'feature', 'enhancement',
  'test', 'documentation', 'refactor', 'style', 'question', 'other',
]);
export type IssueCategory = z.infer<typeof IssueCategory>;

/** How much fixing an issue of this category matters, before the critical boost. */
export const CATEGORY_MULTIPLIERS: Readonly<Record<IssueCategory, number>> = {
  security: 5,
  bug: 3,
  performance: 2.5,
  dependency: 2,
  build: 2,
  feature: 2,
  enhancement: 1.5,
  test: 1.2,
  documentation: 1,
  refactor: 0.5,
  other: 0.5,
  question: 0.2,
  style: 0.1,
};

/** A critical issue (security hole, data loss, crash hurting many) counts this many times its category. */
export const CRITICAL_BOOST = 2;

/** The largest multiplier an issue can reach: a critical security issue. */
export const MAX_CATEGORY_MULTIPLIER = Math.max(...Object.values(CATEGORY_MULTIPLIERS)) * CRITICAL_BOOST;

/**
 * Solvability to assume from the category alone: the offline analyzer's base estimate and the
 * ranking's value for an issue no analyzer has judged yet.
 */
export const FALLBACK_SOLVABILITY: Readonly<Record<IssueCategory, number>> = {
  security: 0.3,
  bug: 0.7,
  performance: 0.5,
  dependency: 0.7,
  build: 0.5,
  feature: 0.6,
  enhancement: 0.6,
  test: 0.8,
  documentation: 0.9,
  refactor: 0.6,
  style: 0.95,
  question: 0.2,
  other: 0.4,
};
